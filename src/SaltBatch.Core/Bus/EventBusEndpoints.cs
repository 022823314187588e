namespace SaltBatch.Core.Bus;

/// <summary>Where the master's event bus listens: <paramref name="Pull"/> takes fired events, <paramref name="Pub"/> streams every event out.</summary>
public sealed record EventBusEndpoints(MasterEndpoint Pull, MasterEndpoint Pub)
{
    /// <summary>The default Linux layout (<c>ipc_mode: ipc</c>): two Unix sockets in <paramref name="sockDir"/>.</summary>
    public static EventBusEndpoints InSocketDirectory(string sockDir) =>
        new(MasterEndpoint.Unix(Path.Combine(sockDir, "master_event_pull.ipc")),
            MasterEndpoint.Unix(Path.Combine(sockDir, "master_event_pub.ipc")));
}

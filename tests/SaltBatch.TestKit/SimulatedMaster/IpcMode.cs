namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>Where the event bus listens (reference §7.1): Unix sockets in sock_dir, or loopback TCP ports.</summary>
public enum IpcMode
{
    Ipc,
    Tcp,
}

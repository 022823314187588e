using System.Text.Json.Nodes;
using SaltBatch.Core;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Publish;
using SaltBatch.TestKit.SimulatedMaster;

namespace SaltBatch.TestKit.SaltApi;

/// <summary>
/// The master's <c>salt/runners/batch.py</c> as salt-api runs it (reference §5): <c>status</c> and
/// <c>list_active</c> summarise the job cache independently of the code under test (§5.4, from the decoded state),
/// and <c>stop</c> publishes <c>saltutil.kill_job</c> through the master's request server and fires the stop event
/// on its bus, as the runner does, so the master's journal shows exactly what a real runner would have sent.
/// </summary>
public sealed class SimulatedBatchRunner(SimulatedMaster.SimulatedMaster master)
{
    private readonly BatchStateStore _states = new(master.Layout);

    public JsonNode? Status(string jid) => _states.Read(jid) is { } state ? Summary(state, Now()) : null;

    public JsonArray ListActive()
    {
        var now = Now();
        return new JsonArray(master.ActiveIndex.Read()
            .Select(jid => _states.Read(jid))
            .OfType<PayloadMap>()
            .Select(state => (JsonNode)Summary(state, now))
            .ToArray());
    }

    public async Task<bool> StopAsync(string jid, bool kill, CancellationToken cancellationToken)
    {
        var state = _states.Read(jid);
        if (state is null || Truthy(state.Get("halted")))
        {
            return false;
        }

        var active = (state.Get("active") as PayloadMap)?.Keys.OfType<string>().Order(StringComparer.Ordinal).ToList() ?? [];
        if (kill && active.Count > 0)
        {
            try
            {
                var client = new PublishClient(new RequestServerOptions("127.0.0.1", master.RetPort) { TryTimeout = TimeSpan.FromSeconds(2), Tries = 1 }, null);
                var user = master.Options.MasterUser;
                await client.PublishAsync(PublishRequest.KillJob(active, jid), KeyResolver.Resolve(master.CacheDirectory, user, effectiveUserName: user), cancellationToken);
            }
            catch (SaltBatchException)
            {
                // The runner logs a failed kill publish and stops the batch anyway.
            }
        }

        await Bus().FireAsync($"salt/batch/{jid}/stop", new PayloadMap { { "jid", jid }, { "reason", "stop" } }, master.Options.PullFraming, cancellationToken);
        return true;
    }

    /// <summary>The master's bus as salt-api reaches it (the runner fires on it; <c>/events</c> subscribes to it).</summary>
    public MasterEventBus Bus() => new(new EventBusEndpoints(Endpoint(master.PullEndPoint), Endpoint(master.PublishEndPoint)));

    private static MasterEndpoint Endpoint(System.Net.EndPoint endPoint) => endPoint switch
    {
        System.Net.Sockets.UnixDomainSocketEndPoint unix => MasterEndpoint.Unix(unix.ToString()),
        System.Net.IPEndPoint ip => MasterEndpoint.Tcp(ip.Address, ip.Port),
        _ => throw new ArgumentException($"unsupported endpoint {endPoint}"),
    };

    /// <summary>The runner's summary dict, keys in its order (reference §5.4).</summary>
    private static JsonObject Summary(PayloadMap state, double now)
    {
        var lastProgress = Number(state.Get("last_progress"));
        return new JsonObject
        {
            ["jid"] = PayloadJson.ToNode(state.Get("jid")),
            ["fun"] = PayloadJson.ToNode(state.Get("fun")),
            ["tgt"] = PayloadJson.ToNode(state.Get("tgt")),
            ["tgt_type"] = PayloadJson.ToNode(state.Get("tgt_type")),
            ["total"] = Count(state.Get("all_minions")),
            ["completed"] = Count(state.Get("done")),
            ["active"] = Count(state.Get("active")),
            ["pending"] = Count(state.Get("pending")),
            ["failed"] = Count(state.Get("failed")),
            ["batch_size"] = PayloadJson.ToNode(state.Get("batch_size")),
            ["halted"] = Truthy(state.Get("halted")),
            ["halted_reason"] = PayloadJson.ToNode(state.Get("halted_reason")),
            ["driver"] = PayloadJson.ToNode(state.Get("driver")),
            ["user"] = PayloadJson.ToNode(state.Get("user")),
            ["created"] = PayloadJson.ToNode(state.Get("created")),
            ["last_progress"] = PayloadJson.ToNode(state.Get("last_progress")),
            ["age_seconds"] = lastProgress is { } last && last != 0 ? now - last : null,
        };
    }

    private static int Count(object? value) => value switch
    {
        PayloadMap map => map.Count,
        List<object?> list => list.Count,
        _ => 0,
    };

    private static double? Number(object? value) => value switch
    {
        double number => number,
        long number => number,
        _ => null,
    };

    private static bool Truthy(object? value) => value switch
    {
        null => false,
        bool flag => flag,
        long number => number != 0,
        double number => number != 0,
        string text => text.Length > 0,
        _ => true,
    };

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}

using System.Collections.Concurrent;
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
/// Summaries are remembered per file identity (length and write time): a real master decodes its states on its own
/// host, and here the simulated masters share the machine with the client they serve.
/// </summary>
public sealed class SimulatedBatchRunner(SimulatedMaster.SimulatedMaster master)
{
    private readonly BatchStateStore _states = new(master.Layout);
    private readonly ConcurrentDictionary<string, (long Length, DateTime Written, JsonObject? Summary)> _summaries = new(StringComparer.Ordinal);

    public JsonNode? Status(string jid) => Summary(jid, Now());

    public JsonArray ListActive()
    {
        var now = Now();
        return new JsonArray(master.ActiveIndex.Read()
            .Select(jid => Summary(jid, now))
            .OfType<JsonNode>()
            .ToArray());
    }

    public async Task<bool> StopAsync(string jid, bool kill, CancellationToken cancellationToken)
    {
        var state = _states.Read(jid);
        if (state is null || PythonTruth.Of(state.Get("halted")))
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

    /// <summary>The batch's summary now, or null when the runner would find no state.</summary>
    private JsonObject? Summary(string jid, double now)
    {
        var file = new FileInfo(master.Layout.BatchStatePath(jid));
        if (!file.Exists)
        {
            return null;
        }

        var identity = (file.Length, file.LastWriteTimeUtc);
        if (!_summaries.TryGetValue(file.FullName, out var known) || (known.Length, known.Written) != identity)
        {
            known = (file.Length, file.LastWriteTimeUtc, _states.Read(jid) is { } state ? Summary(state) : null);
            _summaries[file.FullName] = known;
        }

        if (known.Summary is not { } summary)
        {
            return null;
        }

        var answer = (JsonObject)summary.DeepClone();
        answer["age_seconds"] = Seconds(answer["last_progress"]) is { } last && last != 0 ? now - last : null;
        return answer;
    }

    /// <summary>The runner's summary dict, keys in its order (reference §5.4); <c>age_seconds</c> is set per answer.</summary>
    private static JsonObject Summary(PayloadMap state)
    {
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
            ["halted"] = PythonTruth.Of(state.Get("halted")),
            ["halted_reason"] = PayloadJson.ToNode(state.Get("halted_reason")),
            ["driver"] = PayloadJson.ToNode(state.Get("driver")),
            ["user"] = PayloadJson.ToNode(state.Get("user")),
            ["created"] = PayloadJson.ToNode(state.Get("created")),
            ["last_progress"] = PayloadJson.ToNode(state.Get("last_progress")),
            ["age_seconds"] = null,
        };
    }

    private static double? Seconds(JsonNode? node) =>
        node is not JsonValue value ? null
        : value.TryGetValue<double>(out var real) ? real
        : value.TryGetValue<long>(out var whole) ? whole
        : null;

    private static int Count(object? value) => value switch
    {
        PayloadMap map => map.Count,
        List<object?> list => list.Count,
        _ => 0,
    };

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}

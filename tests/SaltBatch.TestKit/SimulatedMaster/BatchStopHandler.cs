using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>The BatchManager's reaction to <c>salt/batch/&lt;jid&gt;/stop</c> (reference §9.2, payload per §7.7).</summary>
public sealed partial class BatchStopHandler(
    BatchStateStore states,
    ActiveBatchIndex index,
    MasterJournal journal,
    Action<string, PayloadMap> fire,
    bool neverHalt)
{
    /// <summary>Handles the event when it is a stop; returns false for any other tag.</summary>
    public bool TryHandle(MasterEvent masterEvent)
    {
        var match = StopTag().Match(masterEvent.Tag);
        if (!match.Success)
        {
            return false;
        }

        var jid = match.Groups["jid"].Value;
        journal.Add(JournalKinds.StopHandled, new JsonObject { ["jid"] = jid, ["action"] = Handle(jid, masterEvent.Data) });
        return true;
    }

    private string Handle(string jid, PayloadMap data)
    {
        if (neverHalt)
        {
            return "ignored";
        }

        var state = states.Read(jid);
        if (state is null || PythonTruth.Of(state.Get("halted")))
        {
            index.Remove(jid);
            return "retired";
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var reason = data.Get("reason") is string { Length: > 0 } given ? given : "stop";
        state.Add("halted", true);
        state.Add("halted_reason", reason);
        state.Add("last_progress", now);
        states.Write(jid, state);
        fire($"salt/batch/{jid}/halted", HaltedPayload(jid, state, reason, now));
        index.Remove(jid);
        return "halted";
    }

    private static PayloadMap HaltedPayload(string jid, PayloadMap state, string reason, double now)
    {
        var active = state.Get("active") as PayloadMap;
        var created = state.Get("created") switch
        {
            double seconds => seconds,
            long seconds => seconds,
            _ => now,
        };
        return new PayloadMap
        {
            { "jid", state.Get("jid") ?? jid },
            { "fun", state.Get("fun") },
            { "tgt", state.Get("tgt") },
            { "tgt_type", state.Get("tgt_type") },
            { "user", state.Get("user") },
            { "reason", reason },
            { "completed", (state.Get("done") as PayloadMap)?.Count ?? 0 },
            { "failed", (state.Get("failed") as PayloadMap)?.Count ?? 0 },
            { "abandoned_active", active?.Keys.OfType<string>().Order(StringComparer.Ordinal).ToList() ?? [] },
            { "abandoned_pending", state.Get("pending") as List<object?> ?? [] },
            { "duration", now - created },
        };
    }

    [GeneratedRegex("^salt/batch/(?<jid>[^/]+)/stop$")]
    private static partial Regex StopTag();
}

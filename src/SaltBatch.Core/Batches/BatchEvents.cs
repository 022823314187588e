using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Batches;

/// <summary>Payloads of the batch events this module fires (reference §7.7; <c>batch_output.new_payload</c>, start-and-api §1.6).</summary>
public static class BatchEvents
{
    /// <summary>What every BatchManager event's tag starts with.</summary>
    public const string TagPrefix = "salt/batch/";

    public static string NewTag(string jid) => $"{TagPrefix}{jid}/new";

    /// <summary>
    /// <c>new_payload(state)</c>: the base fields <c>jid, fun, tgt, tgt_type, user</c>, then <c>total_minions, batch_size,
    /// driver, created</c>; no <c>state</c> key, so the BatchManager reads <c>.batch.p</c> and adopts the batch.
    /// </summary>
    public static PayloadMap NewPayload(InitialBatchState state) => new()
    {
        { "jid", state.Jid },
        { "fun", state.Function },
        { "tgt", state.Target },
        { "tgt_type", state.TargetType },
        { "user", state.User },
        { "total_minions", (long)state.Minions.Count },
        { "batch_size", state.BatchSize },
        { "driver", "master" },
        { "created", state.Created },
    };
}

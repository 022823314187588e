using System.Text.RegularExpressions;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Batches;

/// <summary>
/// The one owner of the master event tags this module fires and listens for (reference §7.7;
/// <c>salt.utils.batch_output</c>), and of the payload of the <c>new</c> event it fires (start-and-api §1.6).
/// </summary>
public static partial class BatchEvents
{
    /// <summary>What every BatchManager event's tag starts with.</summary>
    public const string TagPrefix = "salt/batch/";

    public static string NewTag(string jid) => $"{TagPrefix}{jid}/new";

    public static string StopTag(string jid) => $"{TagPrefix}{jid}/stop";

    public static string HaltedTag(string jid) => $"{TagPrefix}{jid}/halted";

    /// <summary>What each minion's answer to job <paramref name="jid"/> (a ping) is tagged with, before the minion id.</summary>
    public static string ReturnTagPrefix(string jid) => $"salt/job/{jid}/ret/";

    /// <summary>The JID of a BatchManager announcement (progress, complete or halted); null for any other tag.</summary>
    public static string? AnnouncedJid(string tag)
    {
        var match = Announcement().Match(tag);
        return match.Success ? match.Groups["jid"].Value : null;
    }

    /// <summary>A progress announcement: frequent, so not worth a verbose line each.</summary>
    public static bool IsProgress(string tag) => tag.StartsWith(TagPrefix, StringComparison.Ordinal) && tag.EndsWith("/progress", StringComparison.Ordinal);

    [GeneratedRegex("^salt/batch/(?<jid>[^/]+)/(progress|complete|halted)$")]
    private static partial Regex Announcement();

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

using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// The batches a stop must leave alone, whoever sends it (the event bus here, or the runner through salt-api): a halted
/// one, and a completed one, which the BatchManager would rewrite as halted by "stop", losing the fact that it finished.
/// </summary>
public static class StopRefusal
{
    /// <summary>Throws AlreadyHalted or AlreadyComplete for a batch that must not be stopped; nothing has been sent then.</summary>
    /// <param name="where">Which master, for the message ("" for this host's).</param>
    public static void ThrowIfNotStoppable(string jid, BatchSummary summary, string where = "")
    {
        if (summary.Halted)
        {
            throw new SaltBatchException(SaltFailureKind.AlreadyHalted, $"Batch {jid}{where} is already halted (reason: {summary.HaltedReason ?? "none"}); nothing was sent.", jid);
        }

        if (summary.IsFinished)
        {
            throw new SaltBatchException(
                SaltFailureKind.AlreadyComplete,
                $"Batch {jid}{where} already completed ({summary.Completed}/{summary.Total} done, {summary.Failed} failed); there is nothing to stop and nothing was sent.",
                jid);
        }
    }
}

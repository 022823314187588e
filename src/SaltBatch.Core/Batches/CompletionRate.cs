using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// Estimates the time a batch has left from how fast its minions finished since we started watching it. Only what
/// we saw counts: a batch's history before the wait says little about its pace now (sizes and minions differ).
/// </summary>
public sealed class CompletionRate
{
    private readonly DateTime _since;
    private readonly long _finishedAtStart;

    public CompletionRate(BatchSummary start, DateTime since)
    {
        _since = since;
        _finishedAtStart = Finished(start);
    }

    /// <summary>Null until at least one minion finished while watching.</summary>
    public TimeSpan? Remaining(BatchSummary now, DateTime at)
    {
        var gained = Finished(now) - _finishedAtStart;
        var elapsed = (at - _since).TotalSeconds;
        if (gained <= 0 || elapsed <= 0)
        {
            return null;
        }

        var left = Math.Max(0, now.Total - Finished(now));
        return TimeSpan.FromSeconds(left * elapsed / gained);
    }

    private static long Finished(BatchSummary summary) => summary.Completed + summary.Failed;
}

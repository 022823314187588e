using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>One step of a wait for one batch: its latest state, an estimate of the time left, or why waiting ended.</summary>
/// <param name="Summary">The latest state read; null only for <see cref="BatchWaitUpdateKind.Failed"/>.</param>
/// <param name="EstimatedRemaining">From the completion rate since the wait started; null until minions have finished.</param>
/// <param name="Failure">WaitTimeout for <see cref="BatchWaitUpdateKind.TimedOut"/>; the read failure for <see cref="BatchWaitUpdateKind.Failed"/>.</param>
public sealed record BatchWaitUpdate(
    BatchWaitUpdateKind Kind,
    string Jid,
    BatchSummary? Summary,
    TimeSpan? EstimatedRemaining = null,
    SaltBatchException? Failure = null);

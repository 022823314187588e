namespace SaltBatch.Core.Cache;

/// <summary>
/// What became of a minion, as an admin asks it after the batch — not where <c>.batch.p</c> files it: a retcode 2
/// from a failed state sits in <c>done</c> (reference §2.3), and is still a failure.
/// </summary>
public enum BatchMinionOutcome
{
    /// <summary>Returned with retcode 0.</summary>
    Succeeded,

    /// <summary>Returned with a non-zero retcode (per-function maps collapsed as failhard does), or <c>failed: true</c>.</summary>
    Failed,

    /// <summary>No return within <c>timeout + gather_job_timeout</c>.</summary>
    TimedOut,

    /// <summary>Dispatched and not returned yet, in a batch that is still running.</summary>
    Running,

    /// <summary>Never dispatched: still pending, or left pending when the batch halted.</summary>
    NotStarted,

    /// <summary>Dispatched and not returned when the batch halted: nobody waits for it any more.</summary>
    Abandoned,
}

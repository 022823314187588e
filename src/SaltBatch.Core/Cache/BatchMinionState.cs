namespace SaltBatch.Core.Cache;

/// <summary>Where a minion stands in a batch: the <c>.batch.p</c> collection that holds it (reference §2.2).</summary>
public enum BatchMinionState
{
    /// <summary>In <c>pending</c>: not dispatched yet.</summary>
    Pending,

    /// <summary>In <c>active</c>: dispatched, no return yet.</summary>
    Active,

    /// <summary>In <c>done</c>: returned, whatever its retcode.</summary>
    Done,

    /// <summary>In <c>failed</c>: timed out, or returned <c>failed: true</c>.</summary>
    Failed,
}

namespace SaltBatch.Core.Cache;

/// <summary>Where a batch stands, as an admin asks about it (reference §2.2, completion).</summary>
public enum BatchRunState
{
    /// <summary>Minions are still pending or in flight.</summary>
    Running,

    /// <summary>Ended abnormally: failhard, or stopped.</summary>
    Halted,

    /// <summary>Nothing pending or in flight, and not halted.</summary>
    Complete,
}

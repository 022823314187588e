namespace SaltBatch.Core.Batches;

/// <summary>How long to wait for batches to finish, and how often to re-read their state regardless of events.</summary>
public sealed record WaitOptions
{
    /// <summary>From the start of the wait, for every batch; null waits until each one finishes.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Events can be missed and the bus can be unreachable; the files are re-read at least this often.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Stop a batch as soon as it has more unsuccessful minions than this; null never stops one.</summary>
    public FailureBudget? Budget { get; init; }

    /// <summary>How a batch past its budget is stopped (kill or not, framing); its reason is the budget's.</summary>
    public StopOptions BudgetStop { get; init; } = new();
}

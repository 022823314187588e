namespace SaltBatch.Core.Cache;

/// <summary>How a minion's place in <c>.batch.p</c> and its batch's halt decide its <see cref="BatchMinionOutcome"/>.</summary>
public static class BatchMinionOutcomes
{
    /// <summary>The failure reason Salt's batch state machine records for a minion that never answered (reference §2.3).</summary>
    private const string TimeoutReason = "timeout";

    public static BatchMinionOutcome Of(BatchMinion minion, bool batchHalted) => minion.State switch
    {
        BatchMinionState.Pending => BatchMinionOutcome.NotStarted,
        BatchMinionState.Active => batchHalted ? BatchMinionOutcome.Abandoned : BatchMinionOutcome.Running,
        BatchMinionState.Done => OfDone(minion.Retcode),
        _ => string.Equals(minion.Reason, TimeoutReason, StringComparison.Ordinal) ? BatchMinionOutcome.TimedOut : BatchMinionOutcome.Failed,
    };

    /// <summary>A <c>done</c> minion's outcome from its collapsed retcode (null: none stored, which Salt counts as 0).</summary>
    public static BatchMinionOutcome OfDone(long? retcode) => retcode is null or 0 ? BatchMinionOutcome.Succeeded : BatchMinionOutcome.Failed;

    /// <summary>The <c>.batch.p</c> collections that can hold minions of these outcomes: the others need not be walked.</summary>
    public static IReadOnlySet<BatchMinionState> StatesFor(IEnumerable<BatchMinionOutcome> outcomes) =>
        outcomes.SelectMany(outcome => outcome switch
        {
            BatchMinionOutcome.Succeeded => [BatchMinionState.Done],
            BatchMinionOutcome.Failed => [BatchMinionState.Done, BatchMinionState.Failed],
            BatchMinionOutcome.TimedOut => [BatchMinionState.Failed],
            BatchMinionOutcome.Running or BatchMinionOutcome.Abandoned => [BatchMinionState.Active],
            _ => new[] { BatchMinionState.Pending },
        }).ToHashSet();
}

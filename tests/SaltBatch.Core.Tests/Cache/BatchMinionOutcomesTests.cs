using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Tests.Cache;

/// <summary>What became of a minion, from where .batch.p keeps it and whether its batch halted.</summary>
public sealed class BatchMinionOutcomesTests
{
    [Theory]
    [InlineData(BatchMinionState.Pending, null, null, false, BatchMinionOutcome.NotStarted)]
    [InlineData(BatchMinionState.Pending, null, null, true, BatchMinionOutcome.NotStarted)]
    [InlineData(BatchMinionState.Active, null, null, false, BatchMinionOutcome.Running)]
    [InlineData(BatchMinionState.Active, null, null, true, BatchMinionOutcome.Abandoned)]
    [InlineData(BatchMinionState.Done, 0L, null, false, BatchMinionOutcome.Succeeded)]
    [InlineData(BatchMinionState.Done, 2L, null, false, BatchMinionOutcome.Failed)]
    [InlineData(BatchMinionState.Done, -1L, null, true, BatchMinionOutcome.Failed)]
    [InlineData(BatchMinionState.Failed, null, "timeout", false, BatchMinionOutcome.TimedOut)]
    [InlineData(BatchMinionState.Failed, null, "failed", false, BatchMinionOutcome.Failed)]
    [InlineData(BatchMinionState.Failed, null, "something newer", true, BatchMinionOutcome.Failed)]
    public void TheOutcomeFollowsTheCollectionTheRetcodeAndTheHalt(BatchMinionState state, long? retcode, string? reason, bool halted, BatchMinionOutcome expected)
    {
        var minion = new BatchMinion("web1", state) { Retcode = retcode, Reason = reason };

        Assert.Equal(expected, BatchMinionOutcomes.Of(minion, halted));
    }

    [Fact]
    public void OnlyTheCollectionsThatCanHoldAnOutcomeAreWalked()
    {
        Assert.Equal([BatchMinionState.Failed], BatchMinionOutcomes.StatesFor([BatchMinionOutcome.TimedOut]).Order());
        Assert.Equal([BatchMinionState.Done, BatchMinionState.Failed], BatchMinionOutcomes.StatesFor([BatchMinionOutcome.Failed]).Order());
        Assert.Equal([BatchMinionState.Pending, BatchMinionState.Active], BatchMinionOutcomes.StatesFor([BatchMinionOutcome.NotStarted, BatchMinionOutcome.Abandoned]).Order());
    }
}

using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Peers;
using SaltBatch.TestKit;

namespace SaltBatch.Core.Tests.Fixtures;

public class BatchStateFixtureTests
{
    [Fact]
    public void NewStateHasSaltsDefaults()
    {
        var state = new BatchStateFixture("JID1").ToPayloadMap();

        Assert.Equal(24, state.Count);
        Assert.Equal(0L, state.Get("batch_wait"));
        Assert.Equal(60L, state.Get("timeout"));
        Assert.Equal(10L, state.Get("gather_job_timeout"));
        Assert.Equal("glob", state.Get("tgt_type"));
        Assert.Equal(false, state.Get("halted"));
        Assert.Null(state.Get("halted_reason"));
        Assert.Equal("master", state.Get("driver"));
        Assert.Equal("", state.Get("ret"));
        Assert.Equal("root", state.Get("user"));
        Assert.Equal(BatchStateFixture.DefaultCreated, state.Get("created"));
    }

    [Fact]
    public void GenerateIsDeterministic()
    {
        var first = BatchStateFixture.Generate("JID1", total: 50, done: 20, active: 5, failed: 3, returnBytes: 100, seed: 9).ToBytes();
        var second = BatchStateFixture.Generate("JID1", total: 50, done: 20, active: 5, failed: 3, returnBytes: 100, seed: 9).ToBytes();

        Assert.Equal(first, second);
    }

    [Fact]
    public void GeneratePartitionsTheMinions()
    {
        var state = BatchStateFixture.Generate("JID1", total: 50, done: 20, active: 5, failed: 3, returnBytes: 100, seed: 9);

        Assert.Equal(50, state.AllMinions.Count);
        Assert.Equal(20, state.Done.Count);
        Assert.Equal(5, state.Active.Count);
        Assert.Equal(3, state.Failed.Count);
        Assert.Equal(22, state.Pending.Count);
        Assert.Equal(state.AllMinions.Order(), state.Done.Keys.Concat(state.Failed.Keys).Concat(state.Active.Keys).Concat(state.Pending).Order());
        Assert.Contains(state.Done.Values, done => ((PayloadMap)done!).Get("retcode") is PayloadMap);
        Assert.Equal(5, state.BatchSize);
    }

    [Fact]
    public void ReturnSizeFollowsReturnBytes()
    {
        var small = BatchStateFixture.Generate("JID1", total: 10, done: 10, active: 0, failed: 0, returnBytes: 10, seed: 1).ToBytes().Length;
        var large = BatchStateFixture.Generate("JID1", total: 10, done: 10, active: 0, failed: 0, returnBytes: 1010, seed: 1).ToBytes().Length;

        Assert.InRange(large - small, 10 * 1000, 10 * 1010);
    }

    [Fact]
    public void ListTargetsAndFloatBatchWaitAreKept()
    {
        var fixture = new BatchStateFixture("JID1") { Tgt = new List<object?> { "a", "b" }, TgtType = "list", BatchWait = 1.5 };

        var state = Assert.IsType<PayloadMap>(PayloadReader.ReadDocument(fixture.ToBytes(), TextDecoding.FileSemantics));

        Assert.Equal(TaggedJson.Serialize(new List<object?> { "a", "b" }), TaggedJson.Serialize(state.Get("tgt")));
        Assert.Equal(1.5, state.Get("batch_wait"));
    }

    [Fact]
    public void CountsBeyondTotalAreRefused() =>
        Assert.Throws<ArgumentException>(() => BatchStateFixture.Generate("JID1", total: 3, done: 2, active: 2, failed: 0, returnBytes: 0, seed: 1));
}

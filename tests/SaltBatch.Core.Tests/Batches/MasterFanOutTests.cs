using System.Runtime.CompilerServices;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Tests.Batches;

public sealed class MasterFanOutTests
{
    [Fact]
    public void MergeHandsOverEachItemAsItArrivesSoASlowMasterDoesNotHoldBackTheOthers()
    {
        var slowMayEnd = new TaskCompletionSource();
        var slow = new NamedMaster("slow");
        var fast = new NamedMaster("fast");

        using var merged = MasterFanOut.Merge(
            [slow, fast],
            (master, stop) => master == slow ? Items(stop, slowMayEnd.Task, "s1") : Items(stop, Task.CompletedTask, "f1", "f2"),
            CancellationToken.None).GetEnumerator();

        var seen = new List<string>();
        while (seen.Count < 2 && merged.MoveNext())
        {
            seen.Add(merged.Current.Item);
            Assert.Equal(fast, merged.Current.Master);
        }

        Assert.Equal(["f1", "f2"], seen);
        slowMayEnd.SetResult();
        Assert.True(merged.MoveNext());
        Assert.Equal((slow, "s1"), (merged.Current.Master, merged.Current.Item));
        Assert.False(merged.MoveNext());
    }

    [Fact]
    public void AStreamThatThrowsEndsTheMergeAtOnceWithItsExceptionWhileAnotherStreamWouldRunForever()
    {
        var failing = new NamedMaster("failing");
        var endless = new NamedMaster("endless");

        var thrown = Assert.Throws<InvalidOperationException>(() => MasterFanOut.Merge(
            [endless, failing],
            (master, stop) => master == failing ? Throwing() : Items(stop, Task.Delay(Timeout.Infinite, stop)),
            CancellationToken.None).ToList());

        Assert.Equal("broken stream", thrown.Message);
    }

    [Fact]
    public async Task LeavingTheMergeEarlyCancelsTheStreamsStillRunning()
    {
        var cancelled = new TaskCompletionSource<bool>();
        var master = new NamedMaster("one");

        foreach (var _ in MasterFanOut.Merge([master], (_, stop) => UntilCancelled(stop, cancelled), CancellationToken.None))
        {
            break;
        }

        Assert.True(await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void NotFoundIsReportedOnlyWhenNoMasterHasTheJidOncePerMaster()
    {
        var rule = new NotFoundOnEveryMaster(masterCount: 3);
        var notFound = new SaltBatchException(SaltFailureKind.NotFound, "no such batch on 'alpha'");
        var notFoundElsewhere = new SaltBatchException(SaltFailureKind.NotFound, "no such batch on 'beta'");
        var denied = new SaltBatchException(SaltFailureKind.AccessDenied, "denied");

        Assert.True(rule.HoldBack("1", notFound));
        Assert.False(rule.HoldBack("1", null));
        Assert.True(rule.HoldBack("2", notFound));
        Assert.True(rule.HoldBack("2", notFoundElsewhere));
        Assert.True(rule.HoldBack("3", notFound));
        Assert.False(rule.HoldBack("3", denied));

        Assert.Equal([("2", notFound), ("2", notFoundElsewhere)], rule.NowhereFound().ToArray());
    }

    [Fact]
    public void WithOneMasterNotFoundIsReportedAtOnce()
    {
        var rule = new NotFoundOnEveryMaster(masterCount: 1);

        Assert.False(rule.HoldBack("1", new SaltBatchException(SaltFailureKind.NotFound, "no such batch")));
        Assert.Empty(rule.NowhereFound());
    }

    private static async IAsyncEnumerable<string> Items([EnumeratorCancellation] CancellationToken stop, Task before, params string[] items)
    {
        await before.WaitAsync(stop);
        foreach (var item in items)
        {
            yield return item;
        }
    }

    private static async IAsyncEnumerable<string> Throwing()
    {
        await Task.Yield();
        throw new InvalidOperationException("broken stream");
#pragma warning disable CS0162 // an async iterator needs a yield to be one
        yield break;
#pragma warning restore CS0162
    }

    private static async IAsyncEnumerable<string> UntilCancelled([EnumeratorCancellation] CancellationToken stop, TaskCompletionSource<bool> cancelled)
    {
        yield return "first";
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        finally
        {
            cancelled.TrySetResult(stop.IsCancellationRequested);
        }
    }

    private sealed class NamedMaster(string name) : IBatchMaster
    {
        public string Name => name;
        public string Location => name;
        public string StateSource => name;
        public string Mention => $" on '{name}'";
        public bool FiresOnEventBus => false;
        public Task<BatchSummary> GetSummaryAsync(string jid, Action<string> log, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<ActiveBatchEntry>> ListActiveAsync(Action<string> log, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<BatchLaunch> GetLaunchAsync(string jid, Action<string> log, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<StartedBatch> StartAsync(StartOptions options, Action<string> log, Action<PingProgress>? progress, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<StopOutcome> StopAsync(string jid, StopOptions options, Action<string> log, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<BatchMinionView> GetMinionsAsync(string jid, BatchMinionQuery query, Action<string> log, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IEnumerable<BatchHistoryEntry>> ListHistoryAsync(BatchHistoryQuery query, Action<BatchScanProgress>? progress, Action<string> log, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<BatchSummary>> OfferJidsAsync(Func<string, bool> jidMatches, bool includeHistory, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<string>?> GetUnsuccessfulMinionsAsync(string jid, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IBatchFollower> FollowAsync(Action<string> log, string fallback, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}

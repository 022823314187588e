using System.Collections.Concurrent;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Config;
using SaltBatch.Core.Tests.SimulatedMaster;
using SaltBatch.TestKit.SimulatedMaster;

namespace SaltBatch.Core.Tests.Batches;

/// <summary>The core waiter against an in-process simulated master, driven every 50 ms or left still.</summary>
public sealed class BatchWaiterTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly ConcurrentQueue<string> _log = new();

    private static MasterTestBed DrivenMaster() =>
        new(options => options with { DriveBatches = true, StepInterval = TimeSpan.FromMilliseconds(50) });

    /// <summary>Ten minions in batches of three, nothing dispatched yet, dated now so no dispatch times out.</summary>
    private static BatchStateDocument FreshBatch(string jid = MasterTestBed.Jid) => new()
    {
        Jid = jid,
        AllMinions = Enumerable.Range(1, 10).Select(n => $"web{n}").ToList(),
        BatchSize = 3,
        Tgt = "web*",
    };

    private BatchWaiter Waiter(MasterTestBed bed, EventBusEndpoints? endpoints = null) =>
        new(new LocalBatchMaster("test", new MasterConfig(), new BatchCatalog(bed.Master.Layout), new MasterEventBus(endpoints ?? EventBusEndpoints.InSocketDirectory(bed.Master.SocketDirectory)), () => throw new InvalidOperationException("a wait never publishes")), _log.Enqueue);

    /// <summary>Every update of a wait, which must end within <see cref="Bound"/>.</summary>
    private static async Task<List<BatchWaitUpdate>> Collect(BatchWaiter waiter, IEnumerable<string> jids, WaitOptions options, CancellationToken cancellationToken = default)
    {
        var updates = new List<BatchWaitUpdate>();
        await Task.Run(async () =>
        {
            await foreach (var update in waiter.WaitAsync(jids, options, cancellationToken))
            {
                updates.Add(update);
            }
        }).WaitAsync(Bound);
        return updates;
    }

    [Fact]
    public async Task A_driven_batch_is_followed_to_completion()
    {
        using var bed = DrivenMaster();
        bed.Master.WriteBatch(FreshBatch());

        var updates = await Collect(Waiter(bed), [MasterTestBed.Jid], new WaitOptions());

        var final = Assert.Single(updates, update => update.Kind != BatchWaitUpdateKind.Progress);
        Assert.Same(final, updates[^1]);
        Assert.Equal(BatchWaitUpdateKind.Finished, final.Kind);
        Assert.False(final.Summary!.Halted);
        Assert.Equal(10, final.Summary.Completed + final.Summary.Failed);
        var finished = updates.Select(update => update.Summary!.Completed + update.Summary.Failed).ToList();
        Assert.Equal(finished.Order(), finished);
        Assert.True(updates.Count > 2, "progress was reported on the way");
        Assert.Contains(updates, update => update.EstimatedRemaining is not null);
    }

    [Fact]
    public async Task Events_alone_carry_the_wait_when_the_poll_is_far_away()
    {
        using var bed = DrivenMaster();
        bed.Master.WriteBatch(FreshBatch());
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var updates = await Collect(Waiter(bed), [MasterTestBed.Jid], new WaitOptions { PollInterval = TimeSpan.FromMinutes(5) });

        Assert.Equal(BatchWaitUpdateKind.Finished, updates[^1].Kind);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.DoesNotContain(_log, line => line.StartsWith("Cannot listen", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_bus_the_files_are_polled_and_the_fallback_is_logged()
    {
        using var bed = DrivenMaster();
        bed.Master.WriteBatch(FreshBatch());
        var nowhere = EventBusEndpoints.InSocketDirectory(Path.Combine(bed.Master.Options.RootDirectory, "no-such-sock-dir"));

        var updates = await Collect(Waiter(bed, nowhere), [MasterTestBed.Jid], new WaitOptions { PollInterval = TimeSpan.FromMilliseconds(100) });

        Assert.Equal(BatchWaitUpdateKind.Finished, updates[^1].Kind);
        Assert.Equal(10, updates[^1].Summary!.Completed + updates[^1].Summary!.Failed);
        Assert.Contains(_log, line => line.StartsWith("Cannot listen on", StringComparison.Ordinal) && line.Contains("re-reading .batch.p every 0.1s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stop_while_waiting_ends_the_wait_with_the_halted_state()
    {
        using var bed = new MasterTestBed();
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());

        var waiting = Collect(Waiter(bed), [MasterTestBed.Jid], new WaitOptions { PollInterval = TimeSpan.FromMinutes(5) });
        Assert.True(SpinWait.SpinUntil(() => bed.Master.SubscriberCount > 0, MasterTestBed.Deadline));
        bed.FireStop(PullFraming.Prefixed);

        var updates = await waiting;
        Assert.Equal(BatchWaitUpdateKind.Finished, updates[^1].Kind);
        Assert.True(updates[^1].Summary!.Halted);
        Assert.Equal("stop", updates[^1].Summary!.HaltedReason);
    }

    [Fact]
    public async Task A_batch_that_does_not_move_times_out_with_its_last_state()
    {
        using var bed = new MasterTestBed();
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var updates = await Collect(Waiter(bed), [MasterTestBed.Jid], new WaitOptions { Timeout = TimeSpan.FromMilliseconds(400), PollInterval = TimeSpan.FromMilliseconds(100) });

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(5));
        Assert.Equal([BatchWaitUpdateKind.Progress, BatchWaitUpdateKind.TimedOut], updates.Select(update => update.Kind));
        var failure = updates[^1].Failure!;
        Assert.Equal(SaltFailureKind.WaitTimeout, failure.Kind);
        Assert.Contains("1/5 done, 2 active, 2 pending, 0 failed", failure.Message, StringComparison.Ordinal);
        Assert.Equal(MasterTestBed.Jid, failure.Target);
        Assert.Equal(2, updates[^1].Summary!.Active);
    }

    [Fact]
    public async Task Finished_missing_and_invalid_batches_are_answered_at_once_without_listening()
    {
        using var bed = new MasterTestBed();
        bed.Master.WriteBatch(MasterTestBed.RunningBatch() with { Halted = true, HaltedReason = "failhard" });

        var updates = await Collect(Waiter(bed), [MasterTestBed.Jid, "20990101000000000000", "not-a-jid", MasterTestBed.Jid], new WaitOptions());

        Assert.Equal(
            [(BatchWaitUpdateKind.Finished, (SaltFailureKind?)null), (BatchWaitUpdateKind.Failed, SaltFailureKind.NotFound), (BatchWaitUpdateKind.Failed, SaltFailureKind.InvalidJid)],
            updates.Select(update => (update.Kind, update.Failure?.Kind)));
        Assert.Empty(bed.Journal.OfKind(JournalKinds.SubscriberConnected));
    }

    [Fact]
    public async Task Cancelling_ends_the_wait_and_closes_the_subscription()
    {
        using var bed = new MasterTestBed();
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());
        using var cancel = new CancellationTokenSource();

        var waiting = Collect(Waiter(bed), [MasterTestBed.Jid], new WaitOptions(), cancel.Token);
        Assert.True(SpinWait.SpinUntil(() => bed.Master.SubscriberCount > 0, MasterTestBed.Deadline));
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.True(SpinWait.SpinUntil(() => bed.Master.SubscriberCount == 0, MasterTestBed.Deadline), "the subscriber is still connected");
    }
}

using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Publish;
using SaltBatch.TestKit.SimulatedMaster;

namespace SaltBatch.Core.Tests.SimulatedMaster;

/// <summary>The simulated BatchManager's driving (reference §2.7, §7.7, §9.3), stepped by hand with a fixed clock.</summary>
public sealed class BatchDriverTests : IDisposable
{
    private const double Now = 1718020900.0;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "driver-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly List<(string Tag, PayloadMap Data)> _fired = [];

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static BatchStateDocument TenMinions(string jid = MasterTestBed.Jid) => new()
    {
        Jid = jid,
        AllMinions = Enumerable.Range(1, 10).Select(n => $"web{n}").ToList(),
        BatchSize = 3,
        Tgt = "web*",
        Created = Now - 10,
    };

    private (BatchDriver Driver, BatchStateStore States, ActiveBatchIndex Index) NewDriver(string name, int seed, params BatchStateDocument[] batches)
    {
        var layout = new JobCacheLayout(Path.Combine(_root, name), "sha256");
        var states = new BatchStateStore(layout);
        var index = new ActiveBatchIndex(layout.ActiveIndexPath);
        foreach (var batch in batches)
        {
            states.Write(batch.Jid, batch.ToPayloadMap());
            index.Add(batch.Jid);
        }

        return (new BatchDriver(states, index, (tag, data) => _fired.Add((tag, data)), seed), states, index);
    }

    /// <summary>Where every minion is, without the timestamps: the part of a state the dice decide.</summary>
    private static string Placement(PayloadMap state) => string.Join(" | ",
        string.Join(",", (List<object?>)state.Get("pending")!),
        string.Join(",", ((PayloadMap)state.Get("active")!).Keys),
        string.Join(",", ((PayloadMap)state.Get("done")!).Keys),
        string.Join(",", ((PayloadMap)state.Get("failed")!).Select(entry => $"{entry.Key}={entry.Value}")));

    [Fact]
    public void The_same_seed_and_step_count_give_the_same_states_and_another_seed_differs()
    {
        var runs = new[] { ("a", 7), ("b", 7), ("c", 8) }.Select(run =>
        {
            var (driver, states, _) = NewDriver(run.Item1, run.Item2, TenMinions());
            var history = new List<string>();
            for (var step = 1; step <= 12; step++)
            {
                driver.StepAll(Now + step);
                history.Add(Placement(states.Read(MasterTestBed.Jid)!));
            }

            return string.Join("\n", history);
        }).ToArray();

        Assert.Equal(runs[0], runs[1]);
        Assert.NotEqual(runs[0], runs[2]);
    }

    [Fact]
    public void A_batch_is_driven_to_completion_within_its_batch_size_announced_and_retired()
    {
        var (driver, states, index) = NewDriver("m", 1, TenMinions());

        var steps = 0;
        while (index.Read().Count > 0 && steps < 500)
        {
            driver.StepAll(Now + ++steps);
            var state = states.Read(MasterTestBed.Jid)!;
            Assert.InRange(((PayloadMap)state.Get("active")!).Count, 0, 3);
            Assert.Equal(Now + steps, state.Get("last_progress"));
            var placed = ((List<object?>)state.Get("pending")!).Cast<string>()
                .Concat(((PayloadMap)state.Get("active")!).Keys.Cast<string>())
                .Concat(((PayloadMap)state.Get("done")!).Keys.Cast<string>())
                .Concat(((PayloadMap)state.Get("failed")!).Keys.Cast<string>());
            Assert.Equal(TenMinions().AllMinions.Order(), placed.Order());
        }

        Assert.InRange(steps, 2, 499);
        var final = states.Read(MasterTestBed.Jid)!;
        Assert.Equal(false, final.Get("halted"));
        Assert.Equal(10, ((PayloadMap)final.Get("done")!).Count + ((PayloadMap)final.Get("failed")!).Count);
        Assert.All(((PayloadMap)final.Get("done")!).Select(entry => (PayloadMap)entry.Value!), ret => Assert.Equal(0L, ret.Get("retcode")));

        var progress = _fired.Where(e => e.Tag == $"salt/batch/{MasterTestBed.Jid}/progress").ToList();
        Assert.NotEmpty(progress);
        Assert.Equal(
            ["jid", "fun", "tgt", "tgt_type", "user", "total", "completed", "active", "pending", "failed", "iter", "last_progress"],
            progress[0].Data.Keys.Cast<string>());
        Assert.Equal(10L, progress[0].Data.Get("total"));
        Assert.Equal(3L, progress[0].Data.Get("active"));
        Assert.Equal(7L, progress[0].Data.Get("pending"));

        var (lastTag, complete) = _fired[^1];
        Assert.Equal($"salt/batch/{MasterTestBed.Jid}/complete", lastTag);
        Assert.Equal(["jid", "fun", "tgt", "tgt_type", "user", "completed", "failed", "total_minions", "duration"], complete.Keys.Cast<string>());
        Assert.Equal(10L, (long)complete.Get("completed")! + (long)complete.Get("failed")!);
        Assert.Equal(10.0 + steps, complete.Get("duration"));
        Assert.Single(_fired, e => e.Tag.EndsWith("/complete", StringComparison.Ordinal));
        Assert.Empty(index.Read());
    }

    [Fact]
    public void Halted_batches_are_left_as_they_are()
    {
        var halted = TenMinions() with { Halted = true, HaltedReason = "stop" };
        var (driver, states, index) = NewDriver("h", 1, halted);
        var before = Placement(states.Read(MasterTestBed.Jid)!);

        for (var step = 1; step <= 5; step++)
        {
            driver.StepAll(Now + step);
        }

        Assert.Equal(before, Placement(states.Read(MasterTestBed.Jid)!));
        Assert.Empty(_fired);
        Assert.Contains(MasterTestBed.Jid, index.Read());
    }

    [Fact]
    public void Killed_minions_never_return_and_are_timed_out_by_the_sweep()
    {
        var (driver, states, _) = NewDriver("k", 1, TenMinions() with { Timeout = 5, GatherJobTimeout = 1 });
        driver.StepAll(Now);
        var dispatched = ((PayloadMap)states.Read(MasterTestBed.Jid)!.Get("active")!).Keys.Cast<string>().ToList();
        driver.Killed(MasterTestBed.Jid, dispatched);

        for (var step = 1; step <= 5; step++)
        {
            driver.StepAll(Now + step);
        }

        Assert.Equal(dispatched, ((PayloadMap)states.Read(MasterTestBed.Jid)!.Get("active")!).Keys.Cast<string>());

        driver.StepAll(Now + 6);

        var failed = (PayloadMap)states.Read(MasterTestBed.Jid)!.Get("failed")!;
        Assert.All(dispatched, minion => Assert.Equal("timeout", failed.Get(minion)));
    }

    [Fact]
    public async Task A_kill_job_published_to_the_master_reaches_its_driver()
    {
        using var bed = new MasterTestBed();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        bed.Master.WriteBatch(MasterTestBed.RunningBatch() with
        {
            BatchSize = 4,
            Active = new Dictionary<string, double> { ["web4"] = now, ["web2"] = now },
            Timeout = 3600,
        });
        var client = new PublishClient(RequestServerOptions.ForMaster("127.0.0.1", bed.Master.RetPort), null);
        var credentials = KeyResolver.Resolve(bed.Master.CacheDirectory, "salt", effectiveUserName: "root", environment: _ => null);

        await client.PublishAsync(PublishRequest.KillJob(["web2", "web4"], MasterTestBed.Jid), credentials, CancellationToken.None);
        for (var step = 0; step < 40; step++)
        {
            bed.Master.StepBatches();
        }

        var state = bed.Master.ReadBatch(MasterTestBed.Jid)!;
        Assert.Equal(["web2", "web4"], ((PayloadMap)state.Get("active")!).Keys.Cast<string>().Order());
        Assert.Equal(["web1", "web3", "web5"], ((PayloadMap)state.Get("done")!).Keys.Cast<string>().Concat(((PayloadMap)state.Get("failed")!).Keys.Cast<string>()).Order());
        Assert.Equal("saltutil.kill_job", bed.WaitFor(JournalKinds.PublishReceived).Text("fun"));
    }
}

using System.Globalization;
using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// The batches a sandbox master starts with, dated relative to <c>now</c> so ages and JIDs look current, with every
/// minion outcome among them: a 40-minion state.apply in batches of 5 under way (two minions failed a state, one timed
/// out and returned late, two more fail a state when their turn comes), a fresh 12-minion test.ping in batches of 3, a
/// finished cmd.run (history, not in the index; one non-zero exit, one <c>failed: true</c>) and a stopped pkg.upgrade
/// (still listed, as upstream may list it until retired; its active minion abandoned, the rest never started).
/// </summary>
public static class SandboxScenario
{
    /// <summary>Minions of the running state.apply whose state run fails when the driver reaches them.</summary>
    public static readonly IReadOnlyList<string> FailingMinions = ["web021.dc1.example.com", "web033.dc1.example.com"];

    public static IReadOnlyList<BatchStateDocument> Batches(DateTimeOffset now)
    {
        var web = Minions("web{0:D3}.dc1.example.com", 40);
        var db = Minions("db{0:D2}.dc2.example.com", 12);
        var app = Minions("app{0:D2}.dc1.example.com", 6);
        var cache = Minions("cache{0:D2}.dc2.example.com", 8);

        var stateApplyStart = Seconds(now.AddSeconds(-45));
        var stateApply = new BatchStateDocument
        {
            Jid = JidAt(now.AddSeconds(-45)),
            AllMinions = web,
            Pending = web.Skip(14).ToList(),
            Active = web.Skip(9).Take(5).ToDictionary(id => id, _ => stateApplyStart + 30),
            Done = web.Take(8).ToDictionary(id => id, id => (object?)StateApplyReturn(id)),
            Failed = new Dictionary<string, string> { [web[8]] = "timeout" },
            BatchSize = 5,
            Fun = "state.apply",
            Arg = ["nginx"],
            Tgt = "web*",
            Timeout = 600,
            Created = stateApplyStart,
            LastProgress = stateApplyStart + 30,
        };

        var pingStart = Seconds(now.AddSeconds(-2));
        var ping = new BatchStateDocument
        {
            Jid = JidAt(now.AddSeconds(-2)),
            AllMinions = db,
            Pending = db.Skip(3).ToList(),
            Active = db.Take(3).ToDictionary(id => id, _ => pingStart),
            BatchSize = 3,
            Fun = "test.ping",
            Tgt = "db*",
            Created = pingStart,
        };

        var finishedStart = Seconds(now.AddMinutes(-20));
        var finished = new BatchStateDocument
        {
            Jid = JidAt(now.AddMinutes(-20)),
            AllMinions = app,
            Pending = [],
            Done = app.Take(5).ToDictionary(id => id, id => (object?)CommandReturn(id)),
            Failed = new Dictionary<string, string> { [app[5]] = "failed" },
            BatchSize = 2,
            Fun = "cmd.run",
            Arg = ["df -h /srv/data"],
            Tgt = "app*",
            Created = finishedStart,
            LastProgress = finishedStart + 95,
        };

        var stoppedStart = Seconds(now.AddMinutes(-6));
        var stopped = new BatchStateDocument
        {
            Jid = JidAt(now.AddMinutes(-6)),
            AllMinions = cache,
            Pending = cache.Skip(4).ToList(),
            Active = cache.Skip(3).Take(1).ToDictionary(id => id, _ => stoppedStart + 50),
            Done = cache.Take(3).ToDictionary(id => id, _ => (object?)BatchStateDocument.Returned(true)),
            BatchSize = 2,
            Fun = "pkg.upgrade",
            Tgt = "cache*",
            Created = stoppedStart,
            LastProgress = stoppedStart + 61,
            Halted = true,
            HaltedReason = "stop",
        };

        return [stateApply, ping, finished, stopped];
    }

    /// <summary>
    /// The job cache's returns of the minions whose return <c>.batch.p</c> does not hold: the state.apply's timed-out
    /// minion answered after the batch gave up on it, and the cmd.run's <c>failed: true</c> minion raised.
    /// </summary>
    public static IReadOnlyList<JobCacheReturnFile> JobReturns(IReadOnlyList<BatchStateDocument> batches) =>
    [
        new(batches[0].Jid, batches[0].Failed.Keys.Single(), MinionReturns.NginxRun(configChanged: true), 0, true, "highstate"),
        new(batches[2].Jid, batches[2].Failed.Keys.Single(),
            "The minion function caused an exception: Traceback (most recent call last):\n  ...\nPermissionError: [Errno 13] Permission denied: '/srv/data'", 1, false),
    ];

    /// <summary>Places the scenario: every batch's <c>.batch.p</c> and job-cache returns, and index entries for all but the finished one.</summary>
    public static IReadOnlyList<BatchStateDocument> Write(SimulatedMaster master, DateTimeOffset now)
    {
        var batches = Batches(now);
        foreach (var batch in batches)
        {
            master.WriteBatch(batch);
            if (!batch.Halted && (batch.Pending ?? batch.AllMinions).Count == 0 && batch.Active.Count == 0)
            {
                master.ActiveIndex.Remove(batch.Jid);
            }
        }

        foreach (var stored in JobReturns(batches))
        {
            stored.Write(master.Layout);
        }

        return batches;
    }

    /// <summary>The cmd.run minion whose command exits non-zero.</summary>
    private const string CommandFailed = "app03.dc1.example.com";

    /// <summary>The state.apply minions that already failed a state.</summary>
    private static readonly string[] StateFailed = ["web003.dc1.example.com", "web007.dc1.example.com"];

    private static PayloadMap CommandReturn(string minion)
    {
        if (minion == CommandFailed)
        {
            var (ret, retcode) = MinionReturns.Failed("cmd.run");
            return BatchStateDocument.Returned(ret, retcode);
        }

        return BatchStateDocument.Returned("Filesystem      Size  Used Avail Use% Mounted on\n/dev/sdb1       200G   61G  139G  31% /srv/data");
    }

    private static PayloadMap StateApplyReturn(string minion)
    {
        if (StateFailed.Contains(minion))
        {
            var (ret, retcode) = MinionReturns.Failed("state.apply");
            return BatchStateDocument.Returned(ret, retcode);
        }

        // Half the minions already had the new config: their run changes nothing.
        var changed = minion[5] % 2 == 1;
        return BatchStateDocument.Returned(MinionReturns.NginxRun(configChanged: changed));
    }

    private static List<string> Minions(string format, int count) =>
        Enumerable.Range(1, count).Select(n => string.Format(CultureInfo.InvariantCulture, format, n)).ToList();

    /// <summary>A JID as Salt makes them: the UTC time, YYYYMMDDhhmmssffffff.</summary>
    private static string JidAt(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMddHHmmssffffff", CultureInfo.InvariantCulture);

    private static double Seconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;
}

using System.Globalization;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// The batches a sandbox master starts with, dated relative to <c>now</c> so ages and JIDs look current: a 40-minion
/// state.apply in batches of 5 under way, a fresh 12-minion test.ping in batches of 3, a finished cmd.run (history,
/// not in the index) and a stopped pkg.upgrade (still listed, as upstream may list it until retired).
/// </summary>
public static class SandboxScenario
{
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
            Done = web.Take(8).ToDictionary(id => id, _ => (object?)BatchStateDocument.Returned(true)),
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
            Done = app.Take(5).ToDictionary(id => id, _ => (object?)BatchStateDocument.Returned(" 12:00:00 up 42 days")),
            Failed = new Dictionary<string, string> { [app[5]] = "failed" },
            BatchSize = 2,
            Fun = "cmd.run",
            Arg = ["uptime"],
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

    /// <summary>Places the scenario: every batch's <c>.batch.p</c>, and index entries for all but the finished one.</summary>
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

        return batches;
    }

    private static List<string> Minions(string format, int count) =>
        Enumerable.Range(1, count).Select(n => string.Format(CultureInfo.InvariantCulture, format, n)).ToList();

    /// <summary>A JID as Salt makes them: the UTC time, YYYYMMDDhhmmssffffff.</summary>
    private static string JidAt(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMddHHmmssffffff", CultureInfo.InvariantCulture);

    private static double Seconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;
}

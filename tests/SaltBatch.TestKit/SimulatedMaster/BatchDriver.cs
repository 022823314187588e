using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// The BatchManager's housekeeping tick (reference §9.3) over the active index, with minions that answer by dice
/// instead of by network: each step every active minion returns with <see cref="ReturnChance"/> (a few of them
/// failing), then the state machine of §2.7 runs — timeouts swept, free slots refilled from <c>pending</c>,
/// <c>last_progress</c> stamped, <c>.batch.p</c> rewritten — and the §7.7 events are fired. Halted batches are left
/// as they are (stop handling retires them); minions sent <c>saltutil.kill_job</c> never answer again. With
/// <c>instantReturns</c> every active minion returns successfully at the first step after its dispatch;
/// <c>failingMinions</c> return a failure instead, filed under <c>done</c> with a non-zero retcode. Returns are shaped
/// by the batch's function (<see cref="MinionReturns"/>).
/// </summary>
public sealed class BatchDriver(BatchStateStore states, ActiveBatchIndex index, Action<string, PayloadMap> fire, int seed, bool instantReturns = false, IReadOnlyCollection<string>? failingMinions = null)
{
    /// <summary>Chance that an active minion returns in a given step.</summary>
    public const double ReturnChance = 0.25;

    /// <summary>One return in this many fails; half of those as "failed", half as "timeout".</summary>
    private const int FailureOdds = 20;

    private readonly Dictionary<string, long> _steps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _killed = new(StringComparer.Ordinal);

    /// <summary>Steps every master-driven, non-halted batch in the index once; <paramref name="now"/> is Unix seconds.</summary>
    public void StepAll(double now)
    {
        foreach (var jid in index.Read())
        {
            var state = states.Read(jid);
            if (state is null)
            {
                // The manager's reconcile: an index entry with no readable state names nothing to drive.
                index.Remove(jid);
            }
            else if (!PythonTruth.Of(state.Get("halted")) && state.Get("driver") as string == "master")
            {
                Step(jid, state, now);
            }
        }
    }

    /// <summary>The job was killed on these minions: their returns never come, so only the timeout sweep frees them.</summary>
    public void Killed(string jid, IEnumerable<string> minions)
    {
        if (!_killed.TryGetValue(jid, out var killed))
        {
            _killed[jid] = killed = new HashSet<string>(StringComparer.Ordinal);
        }

        killed.UnionWith(minions);
    }

    private void Step(string jid, PayloadMap state, double now)
    {
        var step = _steps[jid] = _steps.GetValueOrDefault(jid) + 1;
        var dice = StepRandom.For(seed, jid, step);
        var killed = _killed.GetValueOrDefault(jid) ?? [];
        var active = Entries(state.Get("active"));
        var done = Entries(state.Get("done"));
        var failed = Entries(state.Get("failed"));
        var pending = (state.Get("pending") as List<object?> ?? []).ToList();
        var patience = Seconds(state.Get("timeout"), 60) + Seconds(state.Get("gather_job_timeout"), 10);
        var function = state.Get("fun") as string;
        var changed = false;

        foreach (var (minion, dispatched) in active.ToList())
        {
            if (!killed.Contains(minion) && (instantReturns || dice.NextDouble() < ReturnChance))
            {
                active.Remove(minion);
                if (failingMinions?.Contains(minion) == true)
                {
                    var (ret, retcode) = MinionReturns.Failed(function);
                    done[minion] = BatchStateDocument.Returned(ret, retcode);
                }
                else
                {
                    Finish(minion, function, instantReturns ? FailureOdds : dice.Next(FailureOdds * 2), done, failed);
                }

                changed = true;
            }
            else if (now - Seconds(dispatched, now) >= patience)
            {
                active.Remove(minion);
                failed[minion] = "timeout";
                changed = true;
            }
        }

        var slots = Math.Max(1, (long)Seconds(state.Get("batch_size"), 1)) - active.Count;
        for (; slots > 0 && pending.Count > 0; slots--)
        {
            active[Convert.ToString(pending[0])!] = now;
            pending.RemoveAt(0);
            changed = true;
        }

        state.Add("pending", pending);
        state.Add("active", ToMap(active));
        state.Add("done", ToMap(done));
        state.Add("failed", ToMap(failed));
        state.Add("last_progress", now);
        states.Write(jid, state);

        if (changed)
        {
            fire($"salt/batch/{jid}/progress", Announcement(state, jid,
                ("total", Count(state.Get("all_minions"))), ("completed", (long)done.Count), ("active", (long)active.Count),
                ("pending", (long)pending.Count), ("failed", (long)failed.Count), ("iter", null), ("last_progress", now)));
        }

        if (active.Count == 0 && pending.Count == 0)
        {
            fire($"salt/batch/{jid}/complete", Announcement(state, jid,
                ("completed", (long)done.Count), ("failed", (long)failed.Count), ("total_minions", Count(state.Get("all_minions"))),
                ("duration", now - Seconds(state.Get("created"), now))));
            index.Remove(jid);
            _steps.Remove(jid);
            _killed.Remove(jid);
        }
    }

    /// <summary>Most returns succeed; <c>failed: true</c> returns and minions lost to find_job land in <c>failed</c> (§2.3).</summary>
    private static void Finish(string minion, string? function, int roll, OrderedDictionary<string, object?> done, OrderedDictionary<string, object?> failed)
    {
        if (roll == 0)
        {
            failed[minion] = "failed";
        }
        else if (roll == 1)
        {
            failed[minion] = "timeout";
        }
        else
        {
            done[minion] = BatchStateDocument.Returned(MinionReturns.Succeeded(function));
        }
    }

    /// <summary>The §7.7 payload: the common fields, then the tag's own.</summary>
    private static PayloadMap Announcement(PayloadMap state, string jid, params (string Key, object? Value)[] fields)
    {
        var data = new PayloadMap
        {
            { "jid", state.Get("jid") ?? jid },
            { "fun", state.Get("fun") },
            { "tgt", state.Get("tgt") },
            { "tgt_type", state.Get("tgt_type") },
            { "user", state.Get("user") },
        };
        foreach (var (key, value) in fields)
        {
            data.Add(key, value);
        }

        return data;
    }

    private static OrderedDictionary<string, object?> Entries(object? map)
    {
        var entries = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in map as PayloadMap ?? [])
        {
            entries[Convert.ToString(key)!] = value;
        }

        return entries;
    }

    private static PayloadMap ToMap(OrderedDictionary<string, object?> entries)
    {
        var map = new PayloadMap(entries.Count);
        foreach (var (key, value) in entries)
        {
            map.Add(key, value);
        }

        return map;
    }

    private static long Count(object? list) => (list as List<object?>)?.Count ?? 0;

    private static double Seconds(object? value, double fallback) => value switch
    {
        double number => number,
        long number => number,
        _ => fallback,
    };
}

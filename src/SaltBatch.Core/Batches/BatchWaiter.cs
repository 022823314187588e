using System.Runtime.CompilerServices;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// Waits for batches of one master to finish (complete or halted, reference §2.2), reporting their progress on the
/// way: the BatchManager's <c>salt/batch/&lt;jid&gt;/progress|complete|halted</c> events (§7.7) trigger a re-read of
/// that batch's state, and every batch is re-read each poll interval in case events are missed.
/// </summary>
public sealed class BatchWaiter
{
    private readonly IBatchMaster _master;
    private readonly Action<string> _log;

    /// <param name="log">What happened behind the scenes, for the cmdlet's verbose stream.</param>
    public BatchWaiter(IBatchMaster master, Action<string> log)
    {
        _master = master;
        _log = log;
    }

    /// <summary>
    /// Updates as they happen, all batches at once: a Progress update first and whenever the counts move, then
    /// exactly one Finished, TimedOut or Failed per batch. Batches already finished are reported at once, without
    /// touching the bus. Duplicate JIDs are waited for once.
    /// </summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> fires; the subscription is closed first.</exception>
    public async IAsyncEnumerable<BatchWaitUpdate> WaitAsync(IEnumerable<string> jids, WaitOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var deadline = options.Timeout is { } timeout ? started + timeout : DateTime.MaxValue;
        var running = new List<string>();
        var firstLooks = new Dictionary<string, BatchSummary>(StringComparer.Ordinal);
        foreach (var jid in jids.Distinct(StringComparer.Ordinal))
        {
            var first = await FirstLookAsync(jid, cancellationToken).ConfigureAwait(false);
            if (first.Kind == BatchWaitUpdateKind.Finished && options.Budget is { } budget && budget.IsExceededBy(first.Summary!))
            {
                yield return await EnforceBudgetAsync(jid, first.Summary!, budget, options, cancellationToken).ConfigureAwait(false);
            }
            else if (first.Kind == BatchWaitUpdateKind.Progress)
            {
                running.Add(jid);
                firstLooks[jid] = first.Summary!;
            }
            else
            {
                yield return first;
            }
        }

        if (running.Count == 0)
        {
            yield break;
        }

        // Listen before the reads that count, so an announcement between a read and the subscription is not lost.
        await using var watcher = await _master.FollowAsync(
            _log, $"following the batches by re-reading {_master.StateSource} every {options.PollInterval.TotalSeconds:0.##}s.", cancellationToken).ConfigureAwait(false);
        var waited = new Dictionary<string, WaitedBatch>(StringComparer.Ordinal);
        var nextPoll = DateTime.UtcNow;
        string? announced = null;
        while (true)
        {
            var now = DateTime.UtcNow;
            var pollDue = now >= nextPoll || now >= deadline;
            if (pollDue)
            {
                nextPoll = now + watcher.PollInterval(options.PollInterval);
            }

            string[] looked = pollDue ? running.ToArray() : announced is null ? [] : [announced];
            var states = looked.Length == 0 ? null : await watcher.ReadAllAsync(looked, cancellationToken).ConfigureAwait(false);
            foreach (var jid in looked)
            {
                var summary = states!.GetValueOrDefault(jid) ?? waited.GetValueOrDefault(jid)?.Last ?? firstLooks[jid];
                if (!waited.TryGetValue(jid, out var batch))
                {
                    batch = new WaitedBatch(summary, new CompletionRate(summary, now));
                    waited[jid] = batch;
                }
                else if (!batch.Moved(summary))
                {
                    continue;
                }

                batch.Last = summary;
                if (options.Budget is { } budget && budget.IsExceededBy(summary))
                {
                    running.Remove(jid);
                    yield return await EnforceBudgetAsync(jid, summary, budget, options, cancellationToken).ConfigureAwait(false);
                }
                else if (summary.IsFinished)
                {
                    running.Remove(jid);
                    yield return new BatchWaitUpdate(BatchWaitUpdateKind.Finished, jid, summary);
                }
                else
                {
                    yield return new BatchWaitUpdate(BatchWaitUpdateKind.Progress, jid, summary, batch.Rate.Remaining(summary, now));
                }
            }

            if (running.Count == 0)
            {
                yield break;
            }

            if (now >= deadline)
            {
                foreach (var jid in running)
                {
                    yield return TimedOut(jid, waited[jid].Last, options.Timeout!.Value);
                }

                yield break;
            }

            var wake = nextPoll < deadline ? nextPoll : deadline;
            var masterEvent = await watcher.NextAsync(e => BatchEvents.AnnouncedJid(e.Tag) is { } jid && running.Contains(jid), wake - DateTime.UtcNow, cancellationToken).ConfigureAwait(false);
            announced = masterEvent is null ? null : BatchEvents.AnnouncedJid(masterEvent.Tag);
            if (masterEvent is not null && !BatchEvents.IsProgress(masterEvent.Tag))
            {
                _log($"Saw {masterEvent.Tag}.");
            }
        }
    }

    /// <summary>Progress when the batch is running (the summary itself is read again once listening), else the final word.</summary>
    private async Task<BatchWaitUpdate> FirstLookAsync(string jid, CancellationToken cancellationToken)
    {
        try
        {
            var summary = await _master.GetSummaryAsync(jid, _log, cancellationToken).ConfigureAwait(false);
            return new BatchWaitUpdate(summary.IsFinished ? BatchWaitUpdateKind.Finished : BatchWaitUpdateKind.Progress, jid, summary);
        }
        catch (SaltBatchException failure)
        {
            return new BatchWaitUpdate(BatchWaitUpdateKind.Failed, jid, null, Failure: failure);
        }
    }

    /// <summary>
    /// Stops a batch past its budget, with the budget as the halt reason, unless it already finished; either way the
    /// result names the unsuccessful minions, so a script fails loudly with the names it needs.
    /// </summary>
    private async Task<BatchWaitUpdate> EnforceBudgetAsync(string jid, BatchSummary seen, FailureBudget budget, WaitOptions options, CancellationToken cancellationToken)
    {
        var reason = budget.HaltReason(seen);
        var final = seen;
        string what;
        if (seen.IsFinished)
        {
            what = $"It had already {(seen.Halted ? "halted" : "completed")}, so nothing was stopped.";
        }
        else
        {
            try
            {
                _log($"Batch {jid} is past its failure budget ({reason}); stopping it{(options.BudgetStop.Kill ? " and killing its running jobs" : string.Empty)}.");
                var stop = await _master.StopAsync(jid, options.BudgetStop with { Reason = reason }, _log, cancellationToken).ConfigureAwait(false);
                final = stop.FinalState ?? seen;
                what = $"It was stopped{(options.BudgetStop.Kill ? stop.KillFailure is null ? " and its running jobs killed" : $", but its running jobs could not be killed ({stop.KillFailure.Message})" : " (running jobs finish; nothing new is dispatched)")}, with halted_reason '{reason}'.";
            }
            catch (SaltBatchException finished) when (finished.Kind is SaltFailureKind.AlreadyComplete or SaltFailureKind.AlreadyHalted)
            {
                final = await _master.GetSummaryAsync(jid, _log, cancellationToken).ConfigureAwait(false);
                what = "It finished before it could be stopped.";
            }
            catch (SaltBatchException stopFailure)
            {
                return new BatchWaitUpdate(BatchWaitUpdateKind.Failed, jid, seen, Failure: new SaltBatchException(
                    stopFailure.Kind,
                    $"Batch {jid} is past its failure budget ({FailureBudget.Unsuccessful(seen)} of {seen.Total} minions unsuccessful, at most {budget} allowed), but it could not be stopped: {stopFailure.Message}",
                    jid,
                    stopFailure));
            }
        }

        var minions = await _master.GetUnsuccessfulMinionsAsync(jid, cancellationToken).ConfigureAwait(false);
        var named = minions is null
            ? "salt-api names none, and counts only the timed-out and failed ones, not non-zero retcodes"
            : string.Join(", ", minions.Take(20)) + (minions.Count > 20 ? $" and {minions.Count - 20} more" : string.Empty);
        var failure = new SaltBatchException(
            SaltFailureKind.FailureBudgetExceeded,
            $"Batch {jid} ({seen.Function} on {seen.Target}) exceeded its failure budget: {FailureBudget.Unsuccessful(seen)} of {seen.Total} minions unsuccessful, at most {budget} allowed ({named}). {what} Get-SaltBatchMinion -Jid {jid} -Outcome Failed, TimedOut lists them; Restart-SaltBatch -Jid {jid} runs them again.",
            jid);
        return new BatchWaitUpdate(BatchWaitUpdateKind.BudgetExceeded, jid, final, Failure: failure);
    }

    private static BatchWaitUpdate TimedOut(string jid, BatchSummary last, TimeSpan timeout)
    {
        var failure = new SaltBatchException(
            SaltFailureKind.WaitTimeout,
            $"Batch {jid} ({last.Function} on {last.Target}) did not finish within {timeout.TotalSeconds:0.#}s: last seen {last.Completed}/{last.Total} done, {last.Active} active, {last.Pending} pending, {last.Failed} failed. It is still running on the master; wait again, or stop it with Stop-SaltBatch.",
            jid);
        return new BatchWaitUpdate(BatchWaitUpdateKind.TimedOut, jid, last, Failure: failure);
    }

    private sealed class WaitedBatch(BatchSummary first, CompletionRate rate)
    {
        public BatchSummary Last { get; set; } = first;

        public CompletionRate Rate { get; } = rate;

        /// <summary>Only counts matter to a watcher; the heartbeat rewrites (a new last_progress) are not news.</summary>
        public bool Moved(BatchSummary now) =>
            now.Completed != Last.Completed || now.Failed != Last.Failed || now.Active != Last.Active
            || now.Pending != Last.Pending || now.Halted != Last.Halted || now.Total != Last.Total;
    }
}

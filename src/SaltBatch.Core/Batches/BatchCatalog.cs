using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// The runner's read side: <c>batch.status</c> and <c>batch.list_active</c> (reference §5.1–§5.2), and the history
/// the runner does not have: every batch still in the job cache.
/// </summary>
public sealed class BatchCatalog
{
    private readonly JobCacheLayout _layout;

    public BatchCatalog(JobCacheLayout layout)
    {
        _layout = layout;
    }

    public JobCacheLayout Layout => _layout;

    /// <summary>The summary of one batch.</summary>
    /// <exception cref="SaltBatchException">InvalidJid (nothing touched), NotFound, Corrupt, AccessDenied.</exception>
    public BatchSummary GetSummary(string jid)
    {
        Jid.Validate(jid);
        var path = _layout.BatchStatePath(jid);
        return BatchSummaryReader.Read(path) ?? throw NoBatch(jid, path);
    }

    /// <summary>What one batch was started with, read without its minion collections.</summary>
    /// <exception cref="SaltBatchException">InvalidJid (nothing touched), NotFound, Corrupt, AccessDenied.</exception>
    public BatchLaunch GetLaunch(string jid)
    {
        Jid.Validate(jid);
        var path = _layout.BatchStatePath(jid);
        return BatchLaunchReader.Read(path) ?? throw NoBatch(jid, path);
    }

    /// <summary>
    /// The minions of one batch in file order, streamed as the file is read. The JID is checked now; the file is
    /// opened when enumeration starts.
    /// </summary>
    /// <exception cref="SaltBatchException">
    /// InvalidJid at the call (nothing touched); NotFound, Corrupt (possibly after some minions), AccessDenied while enumerating.
    /// </exception>
    public IEnumerable<BatchMinion> GetMinions(string jid, BatchMinionQuery query)
    {
        Jid.Validate(jid);
        var path = _layout.BatchStatePath(jid);
        var minions = WithOutcomes(path, BatchMinionReader.Read(path, query, () => NoBatch(jid, path)), query);
        return query.IncludeReturn ? minions.Select(minion => WithJobCacheReturn(jid, minion)) : minions;
    }

    /// <summary>
    /// Completes a minion's return from the job cache: a failed or timed-out minion has none in <c>.batch.p</c>, only
    /// in <c>return.p</c> (a timed-out one's arrived late); every returned minion's outputter is in <c>out.p</c>.
    /// </summary>
    private BatchMinion WithJobCacheReturn(string jid, BatchMinion minion)
    {
        if (minion.State is not (BatchMinionState.Done or BatchMinionState.Failed))
        {
            return minion;
        }

        JobCacheReturn? cached;
        try
        {
            cached = JobCacheReturnReader.Read(_layout, jid, minion.Minion);
        }
        catch (SaltBatchException failure)
        {
            cached = null;
            minion = minion with { ReturnFailure = failure };
        }

        var ret = minion.State == BatchMinionState.Done ? minion.Return : cached?.Return;
        return minion with
        {
            Return = ret,
            Outputter = cached?.Outputter,
            LateReturn = cached is not null && minion.Outcome == BatchMinionOutcome.TimedOut,
            States = minion.State == BatchMinionState.Done || cached is not null ? StateRun.Of(ret) : null,
        };
    }

    /// <summary>
    /// Whether an active minion is running or abandoned depends on <c>halted</c>, which Salt writes after the minion
    /// collections; it is read ahead, by the summary's streaming pass, once an active minion is met. A file that cannot
    /// be read that far counts as not halted: the walk itself then reports the damage when it reaches it.
    /// </summary>
    private static IEnumerable<BatchMinion> WithOutcomes(string path, IEnumerable<BatchMinion> minions, BatchMinionQuery query)
    {
        bool? halted = null;
        foreach (var minion in minions)
        {
            if (minion.State == BatchMinionState.Active)
            {
                halted ??= ReadHalted(path);
            }

            var outcome = BatchMinionOutcomes.Of(minion, halted ?? false);
            if (query.Includes(outcome))
            {
                yield return minion with { Outcome = outcome };
            }
        }
    }

    private static bool ReadHalted(string path)
    {
        try
        {
            return BatchSummaryReader.Read(path)?.Halted ?? false;
        }
        catch (SaltBatchException)
        {
            return false;
        }
    }

    /// <summary>
    /// Every JID of the active index in the runner's order, each with its summary, or with the reason the runner
    /// would silently skip it (no, empty or unreadable <c>.batch.p</c>).
    /// </summary>
    /// <param name="indexNotes">Index entries that could not even name a batch.</param>
    /// <exception cref="SaltBatchException">AccessDenied or Corrupt for the index itself.</exception>
    public IEnumerable<ActiveBatchEntry> ListActive(out IReadOnlyList<string> indexNotes)
    {
        var jids = ActiveIndexReader.Read(_layout.ActiveIndexPath, out indexNotes);
        return Summarise(jids);
    }

    /// <summary>
    /// Every batch still in the job cache that <paramref name="include"/> accepts, newest first (by creation, then
    /// JID; batches without a creation time last). Failures come as they are met, during the scan; the batches
    /// follow when it ends, since sorting needs them all (summaries are small, and filtered as they come).
    /// </summary>
    /// <exception cref="SaltBatchException">AccessDenied or CacheUnavailable when <c>jobs/</c> cannot be listed.</exception>
    public IEnumerable<BatchHistoryEntry> ListHistory(Func<BatchSummary, bool> include, Action<BatchScanProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var kept = new List<BatchHistoryEntry>();
        foreach (var entry in new BatchHistoryScanner(_layout).Scan(progress, cancellationToken))
        {
            if (entry.Summary is null)
            {
                yield return entry;
            }
            else if (include(entry.Summary))
            {
                kept.Add(entry);
            }
        }

        kept.Sort((left, right) => NewestFirst(left.Summary!, right.Summary!));
        foreach (var entry in kept)
        {
            yield return entry;
        }
    }

    private static int NewestFirst(BatchSummary left, BatchSummary right)
    {
        var byCreation = Nullable.Compare(right.Created, left.Created);
        return byCreation != 0 ? byCreation : string.CompareOrdinal(right.Jid, left.Jid);
    }

    private IEnumerable<ActiveBatchEntry> Summarise(IReadOnlyList<string> jids)
    {
        foreach (var jid in jids)
        {
            yield return SummariseIndexed(jid);
        }
    }

    private ActiveBatchEntry SummariseIndexed(string jid)
    {
        var path = _layout.BatchStatePath(jid);
        try
        {
            var summary = BatchSummaryReader.Read(path);
            return summary is null
                ? new ActiveBatchEntry(jid, null, DroppedBecause: $"no batch state at '{path}' (missing or empty)")
                : new ActiveBatchEntry(jid, summary);
        }
        catch (SaltBatchException exception) when (exception.Kind == SaltFailureKind.Corrupt)
        {
            return new ActiveBatchEntry(jid, null, DroppedBecause: exception.Message);
        }
        catch (SaltBatchException exception)
        {
            return new ActiveBatchEntry(jid, null, Failure: exception);
        }
    }

    private static SaltBatchException NoBatch(string jid, string path) => new(
        SaltFailureKind.NotFound,
        $"No batch with JID {jid}: there is no batch state at '{path}'. The JID may be a normal (non-batch) job, or its job directory was cleaned up (keep_jobs_seconds).",
        jid);
}

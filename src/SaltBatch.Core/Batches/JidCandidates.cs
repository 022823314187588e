using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// Batches to offer while a JID is being typed: the JIDs are filtered first (the index answers that), and only the
/// matching batches' summaries are read — streamed, in parallel, and remembered per file identity between key presses.
/// The memory is the process's, shared by its runspaces (a summary is the file's, whoever asks); it is never older than
/// the file (<see cref="SummaryCache"/>), so it needs no forgetting, only its bound of 5000 files.
/// </summary>
public static class JidCandidates
{
    private static readonly SummaryCache Remembered = new();

    /// <summary>Active batches whose JID matches, in index (JID) order; unreadable ones are left out.</summary>
    public static IReadOnlyList<BatchSummary> Active(BatchCatalog catalog, Func<string, bool> jidMatches)
    {
        IReadOnlyList<string> jids;
        try
        {
            jids = ActiveIndexReader.Read(catalog.Layout.ActiveIndexPath, out _);
        }
        catch (SaltBatchException)
        {
            return [];
        }

        var matching = jids.Where(jidMatches).ToArray();
        var summaries = new BatchSummary?[matching.Length];
        Parallel.For(0, matching.Length, i => summaries[i] = TryRead(catalog.Layout.BatchStatePath(matching[i])));
        return summaries.OfType<BatchSummary>().ToArray();
    }

    /// <summary>
    /// Active batches first, then every other batch still in the job cache, newest first: what a JID lookup can name.
    /// The history costs one scan of the job directories (no non-batch file is read).
    /// </summary>
    public static IReadOnlyList<BatchSummary> ActiveThenRecent(BatchCatalog catalog, Func<string, bool> jidMatches)
    {
        var active = Active(catalog, jidMatches);
        var offered = active.Select(summary => summary.Jid).ToHashSet(StringComparer.Ordinal);
        var recent = catalog.ListHistory(summary => summary.Jid is { } jid && jidMatches(jid) && !offered.Contains(jid))
            .Where(entry => entry.Summary is not null)
            .Select(entry => entry.Summary!);
        return [.. active, .. recent];
    }

    private static BatchSummary? TryRead(string path)
    {
        try
        {
            return Remembered.Read(path);
        }
        catch (SaltBatchException)
        {
            return null;
        }
    }
}

using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// Batches to offer while a JID is being typed: the JIDs are filtered first (the index answers that), and only the
/// matching batches' summaries are read — streamed, in parallel, and remembered per file identity between key presses.
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

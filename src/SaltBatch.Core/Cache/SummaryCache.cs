using System.Collections.Concurrent;

namespace SaltBatch.Core.Cache;

/// <summary>
/// Summaries remembered by file identity (length and last write time), for callers that ask again and again within
/// seconds — tab completion. The master replaces <c>.batch.p</c> by rename on every change, which changes that
/// identity, so a remembered summary is never older than the file; a stat per file replaces a full read.
/// </summary>
public sealed class SummaryCache
{
    private readonly int _capacity;
    private readonly ConcurrentDictionary<string, (long Length, DateTime Written, BatchSummary Summary)> _entries = new(StringComparer.Ordinal);

    public SummaryCache(int capacity = 5000)
    {
        _capacity = capacity;
    }

    /// <summary>The current summary of the file at <paramref name="path"/>, or null when there is none (as <see cref="BatchSummaryReader.Read(string)"/>).</summary>
    public BatchSummary? Read(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            _entries.TryRemove(path, out _);
            return null;
        }

        var (length, written) = (file.Length, file.LastWriteTimeUtc);
        if (_entries.TryGetValue(path, out var known) && known.Length == length && known.Written == written)
        {
            return known.Summary;
        }

        var summary = BatchSummaryReader.Read(path);
        if (summary is null)
        {
            _entries.TryRemove(path, out _);
            return null;
        }

        if (_entries.Count >= _capacity)
        {
            _entries.Clear();
        }

        _entries[path] = (length, written, summary);
        return summary;
    }
}

using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Cache;

/// <summary>Reads <c>&lt;cachedir&gt;/batch_active.p</c>: a msgpack array of JID strings (reference §3).</summary>
public static class ActiveIndexReader
{
    /// <summary>
    /// The JIDs in the index, de-duplicated and sorted ordinally as the runner sorts them. A missing or empty index
    /// means no active batches.
    /// </summary>
    /// <param name="skipped">Entries that are not text, with why; Salt would keep them but they can never name a batch.</param>
    public static IReadOnlyList<string> Read(string path, out IReadOnlyList<string> skipped)
    {
        var skippedEntries = new List<string>();
        skipped = skippedEntries;
        using var stream = CacheFile.OpenRead(path);
        if (stream is null || stream.Length == 0)
        {
            return [];
        }

        object? document;
        try
        {
            using var reader = new PayloadReader(stream);
            document = reader.ReadDocument(TextDecoding.FileSemantics);
        }
        catch (PayloadFormatException exception)
        {
            throw new SaltBatchException(SaltFailureKind.Corrupt, $"The active-batch index '{path}' is not readable: {exception.Message}. The master rewrites it on its next change.", path, exception);
        }

        if (document is not List<object?> entries)
        {
            throw new SaltBatchException(SaltFailureKind.Corrupt, $"The active-batch index '{path}' should hold a list of JIDs.", path);
        }

        var jids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry is string jid)
            {
                jids.Add(jid);
            }
            else
            {
                skippedEntries.Add($"entry {entry ?? "None"} is not a JID string");
            }
        }

        return [.. jids];
    }
}

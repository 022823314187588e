using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Cache;

/// <summary>Reads <c>&lt;cachedir&gt;/batch_active.p</c>: a msgpack array of JID strings (reference §3).</summary>
public static class ActiveIndexReader
{
    /// <summary>A damaged index can hold millions of odd entries; naming a few says enough.</summary>
    private const int DescribedSkips = 10;

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
        var notText = 0;
        foreach (var entry in entries)
        {
            if (entry is string jid)
            {
                jids.Add(jid);
            }
            else if (++notText <= DescribedSkips)
            {
                skippedEntries.Add($"entry {entry ?? "None"} is not a JID string");
            }
        }

        if (notText > DescribedSkips)
        {
            skippedEntries.Add($"{notText - DescribedSkips} more entries are not JID strings");
        }

        return [.. jids];
    }
}

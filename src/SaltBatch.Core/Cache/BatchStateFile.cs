using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Cache;

/// <summary>
/// One read of a <c>.batch.p</c> with Salt's rules: a missing or empty file is no state; a document that does not
/// decode is <see cref="SaltFailureKind.Corrupt"/>, naming the file.
/// </summary>
internal static class BatchStateFile
{
    public static T? Read<T>(string path, Func<PayloadReader, T> read)
        where T : class
    {
        using var stream = CacheFile.OpenRead(path);
        if (stream is null || stream.Length == 0)
        {
            return null;
        }

        using var reader = new PayloadReader(stream);
        try
        {
            var state = read(reader);
            reader.EnsureEnd();
            return state;
        }
        catch (PayloadFormatException exception)
        {
            throw Corrupt(path, exception);
        }
    }

    /// <summary>
    /// Yields what <paramref name="walk"/> yields as it reads, so the first record leaves before the rest of the file
    /// is read. A missing or empty file throws what <paramref name="noState"/> gives; records already yielded stand
    /// when the file turns out to be damaged further on.
    /// </summary>
    public static IEnumerable<T> Stream<T>(string path, Func<PayloadReader, IEnumerable<T>> walk, Func<SaltBatchException> noState)
    {
        using var stream = CacheFile.OpenRead(path);
        if (stream is null || stream.Length == 0)
        {
            throw noState();
        }

        using var reader = new PayloadReader(stream);
        using var records = walk(reader).GetEnumerator();
        while (true)
        {
            // A yield cannot sit inside a try with a catch, so each step is taken in the try and yielded after it.
            bool more;
            try
            {
                more = records.MoveNext();
                if (!more)
                {
                    reader.EnsureEnd();
                }
            }
            catch (PayloadFormatException exception)
            {
                throw Corrupt(path, exception);
            }

            if (!more)
            {
                yield break;
            }

            yield return records.Current;
        }
    }

    private static SaltBatchException Corrupt(string path, PayloadFormatException exception) =>
        new(
            SaltFailureKind.Corrupt,
            $"'{path}' is not a readable Salt batch file: {exception.Message}. The master rewrites it atomically; a damaged file usually means a full disk or a crash — the master drops such batches on its next maintenance pass.",
            path,
            exception);
}

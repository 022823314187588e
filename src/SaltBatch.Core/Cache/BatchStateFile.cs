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
            throw new SaltBatchException(
                SaltFailureKind.Corrupt,
                $"'{path}' is not a readable Salt batch file: {exception.Message}. The master rewrites it atomically; a damaged file usually means a full disk or a crash — the master drops such batches on its next maintenance pass.",
                path,
                exception);
        }
    }
}

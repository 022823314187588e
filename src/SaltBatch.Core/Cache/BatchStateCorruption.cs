using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Cache;

internal static class BatchStateCorruption
{
    public static SaltBatchException At(string path, PayloadFormatException exception) =>
        new(
            SaltFailureKind.Corrupt,
            $"'{path}' is not a readable Salt batch file: {exception.Message}. The master rewrites it atomically; a damaged file usually means a full disk or a crash — the master drops such batches on its next maintenance pass.",
            path,
            exception);
}

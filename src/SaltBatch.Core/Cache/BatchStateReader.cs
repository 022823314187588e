using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Cache;

/// <summary>Reads a whole <c>.batch.p</c> including every minion's return; for callers that need per-minion data.</summary>
public static class BatchStateReader
{
    /// <summary>The state, or null when the file does not exist or is empty.</summary>
    public static BatchState? Read(string path)
    {
        using var stream = CacheFile.OpenRead(path);
        if (stream is null || stream.Length == 0)
        {
            return null;
        }

        try
        {
            using var reader = new PayloadReader(stream);
            return reader.ReadDocument(TextDecoding.FileSemantics) is PayloadMap document
                ? new BatchState { Document = document }
                : throw new PayloadFormatException("a batch state is a map", 0);
        }
        catch (PayloadFormatException exception)
        {
            throw BatchStateCorruption.At(path, exception);
        }
    }
}

using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Cache;

/// <summary>Reads a whole <c>.batch.p</c> including every minion's return; for callers that need per-minion data.</summary>
public static class BatchStateReader
{
    /// <summary>The state, or null when the file does not exist or is empty.</summary>
    public static BatchState? Read(string path) =>
        BatchStateFile.Read(path, reader => reader.ReadValue(TextDecoding.FileSemantics) is PayloadMap document
            ? new BatchState { Document = document }
            : throw new PayloadFormatException("a batch state is a map", 0));
}

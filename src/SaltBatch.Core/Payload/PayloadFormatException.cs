namespace SaltBatch.Core.Payload;

/// <summary>The bytes are not a msgpack document Salt could have written (truncated, bad header, oversized length, ...).</summary>
public sealed class PayloadFormatException : Exception
{
    public PayloadFormatException(string reason, long offset)
        : base($"{reason} (at byte offset {offset})")
    {
        Reason = reason;
        Offset = offset;
    }

    public string Reason { get; }

    public long Offset { get; }
}

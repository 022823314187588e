namespace SaltBatch.Core.Payload;

/// <summary>An ext value of a type code Salt does not interpret; Salt keeps the raw payload bytes, and so do we.</summary>
public sealed class PayloadExtension
{
    public PayloadExtension(sbyte typeCode, byte[] data)
    {
        TypeCode = typeCode;
        Data = data;
    }

    public sbyte TypeCode { get; }

    public byte[] Data { get; }

    public override string ToString() => $"ext {TypeCode} ({Data.Length} bytes)";
}

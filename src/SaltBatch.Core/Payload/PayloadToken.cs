namespace SaltBatch.Core.Payload;

/// <summary>
/// One msgpack header as read. For String, Binary and Extension the payload bytes still follow and must be read or
/// skipped; for Array and Map, <see cref="Length"/> values (pairs for maps) follow.
/// </summary>
public readonly record struct PayloadToken(PayloadTokenKind Kind, long Offset, long Length = 0, long Integer = 0, ulong UnsignedInteger = 0, double Float = 0, sbyte ExtensionType = 0)
{
    public bool Boolean => Integer != 0;

    public bool IsContainer => Kind is PayloadTokenKind.Array or PayloadTokenKind.Map;

    public bool HasPayload => Kind is PayloadTokenKind.String or PayloadTokenKind.Binary or PayloadTokenKind.Extension;

    /// <summary>The numeric value as seconds-style double for any integer or float token; null for other kinds.</summary>
    public double? AsDouble() => Kind switch
    {
        PayloadTokenKind.Integer => Integer,
        PayloadTokenKind.UnsignedInteger => UnsignedInteger,
        PayloadTokenKind.Float => Float,
        _ => null,
    };
}

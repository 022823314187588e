namespace SaltBatch.Core.Payload;

/// <summary>
/// Turns the values a <see cref="PayloadReader"/> reads into plain .NET values (<see cref="PayloadValues"/>): nil,
/// booleans, numbers, text or bytes by <see cref="TextDecoding"/>, lists, <see cref="PayloadMap"/>s, Salt's
/// extensions; nesting is bounded by <see cref="PayloadReader.MaxNestingDepth"/>, including inside ext 79 documents.
/// </summary>
internal static class PayloadValueReader
{
    /// <summary>The next value, at <paramref name="depth"/> levels of nesting.</summary>
    public static object? Read(PayloadReader reader, TextDecoding decoding, int depth) => Materialise(reader, reader.ReadToken(), decoding, depth);

    /// <summary>A document embedded in another (an ext 79 payload); its nesting counts towards the outer limit.</summary>
    public static object? ReadEmbeddedDocument(ReadOnlyMemory<byte> data, TextDecoding decoding, int depth)
    {
        using var reader = new PayloadReader(data);
        var value = Read(reader, decoding, depth);
        reader.EnsureEnd();
        return value;
    }

    /// <summary>The value whose header <paramref name="token"/> is, with its payload or entries read from <paramref name="reader"/>.</summary>
    public static object? Materialise(PayloadReader reader, PayloadToken token, TextDecoding decoding, int depth)
    {
        if (depth > PayloadReader.MaxNestingDepth)
        {
            throw new PayloadFormatException($"values are nested deeper than {PayloadReader.MaxNestingDepth} levels", token.Offset);
        }

        switch (token.Kind)
        {
            case PayloadTokenKind.Nil:
                return null;
            case PayloadTokenKind.Boolean:
                return token.Boolean;
            case PayloadTokenKind.Integer:
                return token.Integer;
            case PayloadTokenKind.UnsignedInteger:
                return token.UnsignedInteger;
            case PayloadTokenKind.Float:
                return token.Float;
            case PayloadTokenKind.String:
                return reader.ReadPayloadText(out var invalid) ?? (object?)invalid;
            case PayloadTokenKind.Binary:
                var bytes = reader.ReadPayloadBytes();
                return decoding == TextDecoding.FileSemantics && PayloadReader.TryDecodeUtf8(bytes, out var text) ? text : bytes;
            case PayloadTokenKind.Extension:
                return ReadExtension(reader, token, depth);
            case PayloadTokenKind.Array:
                var list = new List<object?>((int)Math.Min(token.Length, 4096));
                for (long i = 0; i < token.Length; i++)
                {
                    list.Add(Read(reader, decoding, depth + 1));
                }

                return list;
            default:
                var map = new PayloadMap((int)Math.Min(token.Length, 4096));
                for (long i = 0; i < token.Length; i++)
                {
                    var keyOffset = reader.Position;
                    var key = Read(reader, decoding, depth + 1);
                    if (key is List<object?> or PayloadMap)
                    {
                        // Python cannot hash a list or dict, so Salt's loads fails on such a key; so do we.
                        throw new PayloadFormatException($"a map key is {(key is PayloadMap ? "a map" : "an array")}, which Salt cannot load (unhashable)", keyOffset);
                    }

                    map.Add(key, Read(reader, decoding, depth + 1));
                }

                return map;
        }
    }

    private static object ReadExtension(PayloadReader reader, PayloadToken token, int depth)
    {
        var data = reader.ReadPayloadBytes();
        return token.ExtensionType switch
        {
            SaltExtensions.DateTimeType => SaltExtensions.DecodeDateTime(data, token.Offset),
            SaltExtensions.ConstantType => SaltExtensions.DecodeConstant(data, token.Offset, depth + 1),
            SaltExtensions.TimestampType => SaltExtensions.DecodeTimestamp(data, token.Offset),
            _ => new PayloadExtension(token.ExtensionType, data),
        };
    }
}

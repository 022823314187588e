using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace SaltBatch.Core.Payload;

/// <summary>The msgpack ext types Salt's payload hook writes and reads (reference §1.3/§1.4).</summary>
public static class SaltExtensions
{
    /// <summary>datetime/date as ASCII <c>%Y%m%dT%H:%M:%S.%f</c>.</summary>
    public const sbyte DateTimeType = 78;

    /// <summary>A named constant: msgpack (use_bin_type=True) of <c>[name, value]</c>.</summary>
    public const sbyte ConstantType = 79;

    /// <summary>msgpack's standard timestamp; Salt never writes it but readers tolerate it.</summary>
    public const sbyte TimestampType = -1;

    public const string DateTimeFormat = "yyyyMMdd'T'HH:mm:ss.ffffff";

    public static byte[] EncodeDateTime(DateTime value) =>
        Encoding.ASCII.GetBytes(value.ToString(DateTimeFormat, CultureInfo.InvariantCulture));

    internal static DateTime DecodeDateTime(byte[] data, long offset)
    {
        var text = Encoding.ASCII.GetString(data);
        if (DateTime.TryParseExact(text, DateTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            return value;
        }

        throw new PayloadFormatException($"ext 78 holds '{Sanitise(text)}', which is not a %Y%m%dT%H:%M:%S.%f datetime", offset);
    }

    internal static SaltConstant DecodeConstant(byte[] data, long offset, int depth)
    {
        object? decoded;
        try
        {
            decoded = PayloadValueReader.ReadEmbeddedDocument(data, TextDecoding.EventSemantics, depth);
        }
        catch (PayloadFormatException inner)
        {
            throw new PayloadFormatException($"ext 79 does not hold a msgpack [name, value] pair: {inner.Reason}", offset);
        }

        if (decoded is List<object?> { Count: 2 } pair && pair[0] is string name)
        {
            return new SaltConstant(name, pair[1]);
        }

        throw new PayloadFormatException("ext 79 does not hold a [name, value] pair", offset);
    }

    internal static DateTime DecodeTimestamp(byte[] data, long offset)
    {
        long seconds;
        long nanoseconds;
        switch (data.Length)
        {
            case 4:
                seconds = BinaryPrimitives.ReadUInt32BigEndian(data);
                nanoseconds = 0;
                break;
            case 8:
                var packed = BinaryPrimitives.ReadUInt64BigEndian(data);
                nanoseconds = (long)(packed >> 34);
                seconds = (long)(packed & 0x3_FFFF_FFFFUL);
                break;
            case 12:
                nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(data);
                seconds = BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(4));
                break;
            default:
                throw new PayloadFormatException($"a msgpack timestamp has {data.Length} bytes; 4, 8 or 12 expected", offset);
        }

        try
        {
            return DateTime.UnixEpoch.AddSeconds(seconds).AddTicks(nanoseconds / 100);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new PayloadFormatException("a msgpack timestamp is outside the range .NET can represent", offset);
        }
    }

    private static string Sanitise(string text) =>
        new(text.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}

using System.Buffers;
using System.Collections;
using System.Numerics;
using MessagePack;

namespace SaltBatch.Core.Payload;

/// <summary>
/// Packs values exactly as msgpack-python's <c>packb</c> does under Salt's settings (reference §1.2/§1.3):
/// floats always float64, positive integers in the smallest unsigned form, insertion-ordered maps, and
/// <paramref name="useBinType"/> deciding between the old spec (str16, never str8; bytes as str) and the new one.
/// </summary>
public static class PayloadWriter
{
    public static byte[] Pack(object? value, bool useBinType)
    {
        var output = new ArrayBufferWriter<byte>(256);
        Pack(output, value, useBinType);
        return output.WrittenSpan.ToArray();
    }

    public static void Pack(IBufferWriter<byte> output, object? value, bool useBinType)
    {
        // OldSpec is MessagePack-CSharp's name for use_bin_type=False: no str8, no bin family.
        var writer = new MessagePackWriter(output) { OldSpec = !useBinType };
        Write(ref writer, value, useBinType);
        writer.Flush();
    }

    private static void Write(ref MessagePackWriter writer, object? value, bool useBinType)
    {
        switch (value)
        {
            case null:
                writer.WriteNil();
                break;
            case bool flag:
                writer.Write(flag);
                break;
            case string text:
                writer.Write(text);
                break;
            case byte[] bytes:
                writer.Write(bytes.AsSpan());
                break;
            case ReadOnlyMemory<byte> memory:
                writer.Write(memory.Span);
                break;
            case double number:
                writer.Write(number);
                break;
            case float number:
                writer.Write((double)number);
                break;
            case ulong number:
                writer.Write(number);
                break;
            case sbyte or short or int or long or byte or ushort or uint:
                writer.Write(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case BigInteger big:
                WriteBigInteger(ref writer, big);
                break;
            case DateTime dateTime:
                WriteExtension(ref writer, SaltExtensions.DateTimeType, SaltExtensions.EncodeDateTime(dateTime));
                break;
            case DateOnly date:
                WriteExtension(ref writer, SaltExtensions.DateTimeType, SaltExtensions.EncodeDateTime(date.ToDateTime(TimeOnly.MinValue)));
                break;
            case SaltConstant constant:
                WriteExtension(ref writer, SaltExtensions.ConstantType, Pack(new object?[] { constant.Name, constant.Value }, useBinType: true));
                break;
            case PayloadExtension extension:
                WriteExtension(ref writer, extension.TypeCode, extension.Data);
                break;
            case PayloadMap map:
                writer.WriteMapHeader(map.Count);
                foreach (var entry in map)
                {
                    Write(ref writer, entry.Key, useBinType);
                    Write(ref writer, entry.Value, useBinType);
                }

                break;
            case IDictionary dictionary:
                writer.WriteMapHeader(dictionary.Count);
                foreach (DictionaryEntry entry in dictionary)
                {
                    Write(ref writer, entry.Key, useBinType);
                    Write(ref writer, entry.Value, useBinType);
                }

                break;
            case IEnumerable sequence:
                var items = sequence as ICollection ?? sequence.Cast<object?>().ToList();
                writer.WriteArrayHeader(items.Count);
                foreach (var item in items)
                {
                    Write(ref writer, item, useBinType);
                }

                break;
            default:
                throw new ArgumentException($"A value of type {value.GetType().FullName} cannot be packed into a Salt payload.", nameof(value));
        }
    }

    /// <summary>Integers beyond 64 bits become their decimal text, as Salt's default hook does.</summary>
    private static void WriteBigInteger(ref MessagePackWriter writer, BigInteger value)
    {
        if (value >= long.MinValue && value <= long.MaxValue)
        {
            writer.Write((long)value);
        }
        else if (value > 0 && value <= ulong.MaxValue)
        {
            writer.Write((ulong)value);
        }
        else
        {
            writer.Write(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static void WriteExtension(ref MessagePackWriter writer, sbyte typeCode, byte[] data) =>
        writer.WriteExtensionFormat(new ExtensionResult(typeCode, data));
}

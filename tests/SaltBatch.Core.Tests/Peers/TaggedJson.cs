using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Tests.Peers;

/// <summary>
/// The tagged JSON that tests/peers/salt_payload.py speaks (its docstring defines it): plain JSON for None, bool,
/// str and list; a one-key object for every other Python type, so ints, floats, bytes, ordered maps with any keys,
/// datetimes, constants and ext values cross the process boundary without losing their type.
/// </summary>
public static class TaggedJson
{
    private const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff";

    public static string Serialize(object? value)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// The Python value as the C# reader would produce it: ints become long (ulong above long.MaxValue, BigInteger
    /// beyond), floats double, dicts <see cref="PayloadMap"/>, lists and tuples <c>List&lt;object?&gt;</c>.
    /// </summary>
    public static object? Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Read(document.RootElement);
    }

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                return;
            case bool flag:
                writer.WriteBooleanValue(flag);
                return;
            case string text:
                writer.WriteStringValue(text);
                return;
            case byte[] bytes:
                Tagged(writer, "bytes", Convert.ToHexStringLower(bytes));
                return;
            case sbyte or short or int or long or byte or ushort or uint or ulong or BigInteger:
                Tagged(writer, "int", Convert.ToString(value, CultureInfo.InvariantCulture)!);
                return;
            case double or float:
                Tagged(writer, "float", FloatText(Convert.ToDouble(value, CultureInfo.InvariantCulture)));
                return;
            case DateTime dateTime:
                Tagged(writer, "datetime", dateTime.ToString(DateTimeFormat, CultureInfo.InvariantCulture));
                return;
            case DateOnly date:
                Tagged(writer, "date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                return;
            case SaltConstant constant:
                writer.WriteStartObject();
                writer.WriteStartArray("constant");
                writer.WriteStringValue(constant.Name);
                Write(writer, constant.Value);
                writer.WriteEndArray();
                writer.WriteEndObject();
                return;
            case PayloadExtension extension:
                writer.WriteStartObject();
                writer.WriteStartArray("ext");
                writer.WriteNumberValue(extension.TypeCode);
                writer.WriteStringValue(Convert.ToHexStringLower(extension.Data));
                writer.WriteEndArray();
                writer.WriteEndObject();
                return;
            case PayloadMap map:
                writer.WriteStartObject();
                writer.WriteStartArray("map");
                foreach (var (key, entry) in map)
                {
                    writer.WriteStartArray();
                    Write(writer, key);
                    Write(writer, entry);
                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                return;
            case System.Collections.IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                return;
            default:
                throw new ArgumentException($"No tagged JSON form for {value.GetType()}.", nameof(value));
        }
    }

    private static void Tagged(Utf8JsonWriter writer, string tag, string text)
    {
        writer.WriteStartObject();
        writer.WriteString(tag, text);
        writer.WriteEndObject();
    }

    /// <summary>Round-trip text Python's float() accepts.</summary>
    private static string FloatText(double value) => value switch
    {
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ when double.IsNaN(value) => "nan",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static object? Read(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(Read).ToList();
            case JsonValueKind.Object:
                var property = element.EnumerateObject().Single();
                return ReadTagged(property.Name, property.Value);
            default:
                throw new FormatException($"Untagged JSON number {element}: the peer tags every number.");
        }
    }

    private static object? ReadTagged(string tag, JsonElement body)
    {
        switch (tag)
        {
            case "int":
                var digits = body.GetString()!;
                return long.TryParse(digits, CultureInfo.InvariantCulture, out var signed) ? signed
                    : ulong.TryParse(digits, CultureInfo.InvariantCulture, out var unsigned) ? unsigned
                    : BigInteger.Parse(digits, CultureInfo.InvariantCulture);
            case "float":
                return body.GetString() switch
                {
                    "inf" => double.PositiveInfinity,
                    "-inf" => double.NegativeInfinity,
                    "nan" => double.NaN,
                    var text => double.Parse(text!, CultureInfo.InvariantCulture),
                };
            case "bytes":
                return Convert.FromHexString(body.GetString()!);
            case "tuple":
                return body.EnumerateArray().Select(Read).ToList();
            case "map":
                var map = new PayloadMap();
                foreach (var pair in body.EnumerateArray())
                {
                    map.Add(Read(pair[0]), Read(pair[1]));
                }

                return map;
            case "datetime":
                return DateTime.ParseExact(body.GetString()!, DateTimeFormat, CultureInfo.InvariantCulture);
            case "date":
                return DateOnly.ParseExact(body.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            case "constant":
                return new SaltConstant(body[0].GetString()!, Read(body[1]));
            case "ext":
                return new PayloadExtension((sbyte)body[0].GetInt32(), Convert.FromHexString(body[1].GetString()!));
            case "timestamp":
                return DateTime.UnixEpoch.AddSeconds(body[0].GetInt64()).AddTicks(body[1].GetInt64() / 100);
            default:
                throw new FormatException($"Unknown tag '{tag}'.");
        }
    }
}

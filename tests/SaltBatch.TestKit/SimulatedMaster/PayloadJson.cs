using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>Renders decoded payload values as JSON for the journal: maps get text keys, bytes become base64.</summary>
public static class PayloadJson
{
    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        long number => JsonValue.Create(number),
        ulong number => JsonValue.Create(number),
        int number => JsonValue.Create(number),
        double number => double.IsFinite(number) ? JsonValue.Create(number) : JsonValue.Create(number.ToString(CultureInfo.InvariantCulture)),
        byte[] bytes => JsonValue.Create(Convert.ToBase64String(bytes)),
        PayloadExtension extension => JsonValue.Create(Convert.ToBase64String(extension.Data)),
        PayloadMap map => ToObject(map),
        IEnumerable sequence => new JsonArray(sequence.Cast<object?>().Select(ToNode).ToArray()),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    /// <summary>JSON a peer wrote, as the payload msgpack would have carried: objects as maps, whole numbers as long.</summary>
    public static object? FromNode(JsonNode? node) => node switch
    {
        null => null,
        JsonObject map => FromObject(map),
        JsonArray list => list.Select(FromNode).ToList(),
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
        JsonValue value when value.TryGetValue<long>(out var whole) => whole,
        _ => node.GetValue<double>(),
    };

    public static PayloadMap FromObject(JsonObject json)
    {
        var map = new PayloadMap();
        foreach (var (key, value) in json)
        {
            map.Add(key, FromNode(value));
        }

        return map;
    }

    public static JsonObject ToObject(PayloadMap map)
    {
        var json = new JsonObject();
        foreach (var entry in map)
        {
            json[KeyText(entry.Key)] = ToNode(entry.Value);
        }

        return json;
    }

    private static string KeyText(object? key) => key switch
    {
        string text => text,
        null => "None",
        bool flag => flag ? "True" : "False",
        byte[] bytes => Convert.ToBase64String(bytes),
        _ => Convert.ToString(key, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}

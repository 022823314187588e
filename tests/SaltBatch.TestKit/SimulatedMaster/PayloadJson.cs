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

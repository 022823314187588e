using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using SaltBatch.Core.Payload;

namespace SaltBatch;

/// <summary>
/// Payload values and PowerShell values, both ways. Decoded: maps become <c>[ordered]</c> dictionaries, lists
/// <c>object[]</c>; numbers, text, <c>byte[]</c> and dates stay as they are; Salt constants become their name and
/// other ext values their description. Sent: what a user types becomes what YAML on the salt command line would
/// give — text, whole numbers, floats, booleans, None, lists and maps.
/// </summary>
internal static class PowerShellValues
{
    public static object? From(object? value) => value switch
    {
        PayloadMap map => Dictionary(map),
        List<object?> list => list.Select(From).ToArray(),
        SaltConstant constant => constant.Name,
        PayloadExtension extension => extension.ToString(),
        _ => value,
    };

    public static OrderedDictionary Dictionary(PayloadMap map)
    {
        var dictionary = new OrderedDictionary(map.Count);
        foreach (var (key, value) in map)
        {
            dictionary[Key(key)] = From(value);
        }

        return dictionary;
    }

    /// <summary>Non-text keys keep their .NET value; a nil key (Python's <c>None</c>) becomes DBNull, as a dictionary key cannot be null.</summary>
    private static object Key(object? key) => From(key) ?? DBNull.Value;

    /// <summary>
    /// A PowerShell value as a Salt argument. Hashtables are unordered, so their keys are sorted; an
    /// <c>[ordered]</c> dictionary keeps its order.
    /// </summary>
    /// <exception cref="ArgumentException">The value has no Salt equivalent (a script block, a process, ...).</exception>
    public static object? ToPayload(object? value, string what) => (value is PSObject wrapped ? wrapped.BaseObject : value) switch
    {
        null => null,
        string text => text,
        char character => character.ToString(),
        bool flag => flag,
        SwitchParameter flag => flag.IsPresent,
        sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(value is PSObject inner ? inner.BaseObject : value, System.Globalization.CultureInfo.InvariantCulture),
        ulong number => number,
        float or double or decimal => Convert.ToDouble(value is PSObject inner ? inner.BaseObject : value, System.Globalization.CultureInfo.InvariantCulture),
        IDictionary dictionary => ToPayloadMap(dictionary, what),
        IEnumerable sequence => sequence.Cast<object?>().Select(item => ToPayload(item, what)).ToList(),
        var other => throw new ArgumentException($"{what} holds a {other.GetType().FullName}, which cannot be sent to Salt; use text, numbers, booleans, arrays or hashtables."),
    };

    /// <summary>A -Kwarg table as the keyword arguments of a Salt call, in the table's order.</summary>
    public static IReadOnlyList<KeyValuePair<string, object?>> ToKeywordArguments(IDictionary dictionary, string what) =>
        ToPayloadMap(dictionary, what).Select(entry => KeyValuePair.Create(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture)!, entry.Value)).ToArray();

    public static PayloadMap ToPayloadMap(IDictionary dictionary, string what)
    {
        var entries = dictionary.Cast<DictionaryEntry>();
        if (dictionary is not IOrderedDictionary)
        {
            entries = entries.OrderBy(entry => Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
        }

        var map = new PayloadMap(dictionary.Count);
        foreach (var entry in entries)
        {
            map.Add(ToPayload(entry.Key, what), ToPayload(entry.Value, what));
        }

        return map;
    }
}

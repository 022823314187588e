using System.Collections.Specialized;
using SaltBatch.Core.Payload;

namespace SaltBatch;

/// <summary>
/// Decoded payload values as PowerShell works with them: maps become <c>[ordered]</c> dictionaries, lists
/// <c>object[]</c>; numbers, text, <c>byte[]</c> and dates stay as they are; Salt constants become their name and
/// other ext values their description.
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
}

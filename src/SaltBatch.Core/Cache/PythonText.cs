using System.Globalization;

namespace SaltBatch.Core.Cache;

/// <summary>A decoded payload value as text for display, close to Python's <c>str()</c>; undecodable bytes become hex.</summary>
internal static class PythonText
{
    public static string Stringify(object? value) => value switch
    {
        null => "None",
        string text => text,
        byte[] bytes => Convert.ToHexString(bytes).ToLowerInvariant(),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}

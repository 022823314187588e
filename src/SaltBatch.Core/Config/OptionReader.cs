using System.Globalization;
using System.Numerics;

namespace SaltBatch.Core.Config;

/// <summary>Typed access to merged settings; a wrong type names the option, the file it came from, and the value.</summary>
internal sealed class OptionReader
{
    private readonly SettingsLayer settings;

    public OptionReader(SettingsLayer settings)
    {
        this.settings = settings;
    }

    /// <param name="nullIsEmpty">For options where an empty entry plainly means "none" (ext_job_cache).</param>
    public string String(string key, string fallback, bool nullIsEmpty = false)
    {
        if (!settings.TryGet(key, out var value, out var source))
        {
            return fallback;
        }

        // Salt accepts anything str() can turn into text; numbers are plausible (user: 1000), the rest are mistakes.
        return value switch
        {
            string text => text,
            null when nullIsEmpty => string.Empty,
            long or BigInteger => System.Convert.ToString(value, CultureInfo.InvariantCulture)!,
            _ => throw Invalid(key, value, source, "text"),
        };
    }

    public int Int(string key, int fallback, int min, int max)
    {
        if (!settings.TryGet(key, out var value, out var source))
        {
            return fallback;
        }

        long? number = value switch
        {
            long whole => whole,
            string text when long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        if (number is not { } n || n < min || n > max)
        {
            throw Invalid(key, value, source, $"a whole number from {min} to {max}");
        }

        return (int)n;
    }

    public bool Bool(string key, bool fallback)
    {
        if (!settings.TryGet(key, out var value, out var source))
        {
            return fallback;
        }

        return value as bool? ?? throw Invalid(key, value, source, "true or false");
    }

    /// <summary>A list of text (runner_dirs); empty means none.</summary>
    public IReadOnlyList<string> StringList(string key, IReadOnlyList<string> fallback)
    {
        if (!settings.TryGet(key, out var value, out var source))
        {
            return fallback;
        }

        return value switch
        {
            null => [],
            IReadOnlyList<object?> items when items.All(item => item is string) => items.Cast<string>().ToArray(),
            _ => throw Invalid(key, value, source, "a list of paths"),
        };
    }

    /// <summary>One environment's list of a roots mapping (file_roots: {base: [...]}); a missing environment is none.</summary>
    public IReadOnlyList<string> RootsOf(string key, string environment, IReadOnlyList<string> fallback)
    {
        if (!settings.TryGet(key, out var value, out var source))
        {
            return fallback;
        }

        return value switch
        {
            null => [],
            IReadOnlyDictionary<string, object?> roots when !roots.TryGetValue(environment, out var paths) || paths is null => [],
            IReadOnlyDictionary<string, object?> roots when roots[environment] is IReadOnlyList<object?> items && items.All(item => item is string) => items.Cast<string>().ToArray(),
            _ => throw Invalid(key, value, source, $"a mapping of environments to lists of paths, such as {{{environment}: [/srv/salt]}}"),
        };
    }

    public bool? NullableBool(string key)
    {
        if (!settings.TryGet(key, out var value, out var source) || value is null)
        {
            return null;
        }

        return value as bool? ?? throw Invalid(key, value, source, "true, false or empty");
    }

    private static MasterConfigException Invalid(string key, object? value, string file, string expected) =>
        new($"The master option '{key}' in '{file}' has the value {Show(value)}, but it must be {expected}. "
            + "Correct it in that file.", file);

    private static string Show(object? value) => value switch
    {
        null => "null (empty)",
        string text => $"'{text}'",
        bool flag => flag ? "true" : "false",
        IReadOnlyList<object?> => "a list",
        IReadOnlyDictionary<string, object?> => "a mapping",
        _ => System.Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };
}

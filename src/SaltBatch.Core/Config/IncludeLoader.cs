namespace SaltBatch.Core.Config;

/// <summary>
/// Salt's include_config: expands include patterns, reads the matching files in sorted order (each may include
/// more, relative to itself) and merges them recursively, later files winning.
/// </summary>
internal sealed class IncludeLoader
{
    // Longer than any sane include chain; catches loops through links that full paths cannot see.
    private const int MaxDepth = 32;

    private readonly string? home;
    private readonly List<string> filesRead;
    private readonly List<string> warnings;
    private readonly List<string> chain = [];

    public IncludeLoader(string? home, List<string> filesRead, List<string> warnings)
    {
        this.home = home;
        this.filesRead = filesRead;
        this.warnings = warnings;
    }

    /// <param name="include">The option's value: a pattern or a list of patterns.</param>
    /// <param name="key">The option that held it, for messages.</param>
    /// <param name="declaringFile">The file that held it; relative patterns are taken from its directory.</param>
    /// <param name="warnIfUnmatched">Salt is silent about default_include matching nothing, not about include.</param>
    public SettingsLayer Load(object? include, string key, string declaringFile, bool warnIfUnmatched)
    {
        var result = new SettingsLayer();
        if (PythonValues.IsFalsy(include))
        {
            return result;
        }

        foreach (var pattern in Patterns(include, key, declaringFile))
        {
            var expanded = ExpandUser(pattern);
            var full = Path.IsPathRooted(expanded)
                ? expanded
                : Path.Join(Path.GetDirectoryName(declaringFile), expanded);
            var matches = IncludeGlob.Match(full);
            if (matches.Count == 0 && warnIfUnmatched)
            {
                warnings.Add($"The {key} '{full}' in '{declaringFile}' matches no files.");
            }

            foreach (var file in matches)
            {
                result.MergeRecursive(ReadIncluded(Path.GetFullPath(file), warnIfUnmatched));
            }
        }

        return result;
    }

    private SettingsLayer ReadIncluded(string file, bool warnIfUnmatched)
    {
        if (chain.Contains(file, StringComparer.Ordinal) || chain.Count >= MaxDepth)
        {
            throw new MasterConfigException(
                $"The master configuration includes itself: {string.Join(" -> ", chain.Append(file))}. "
                + "Remove one of these include lines (Salt itself would recurse until it crashes).",
                file);
        }

        var text = YamlConfigReader.ReadText(file);
        filesRead.Add(file);
        ConfigMapping values;
        try
        {
            values = YamlConfigReader.Parse(text, file);
        }
        catch (MasterConfigException ex)
        {
            // The master logs a broken included file and carries on without it; mirror that, but say so.
            warnings.Add(ex.Message + " Salt ignores this file's settings.");
            return new SettingsLayer();
        }

        var layer = SettingsLayer.FromFile(file, values);
        if (layer.TryGet("include", out var nested, out _))
        {
            chain.Add(file);
            layer.OverlayShallow(Load(nested, "include", file, warnIfUnmatched));
            chain.RemoveAt(chain.Count - 1);
        }

        return layer;
    }

    private static IEnumerable<string> Patterns(object? include, string key, string declaringFile) => include switch
    {
        string single => [single],
        IReadOnlyList<object?> list => list.Select(item => item as string ?? throw NotAPath(key, declaringFile, item)),
        _ => throw NotAPath(key, declaringFile, include),
    };

    private static MasterConfigException NotAPath(string key, string file, object? value) =>
        new($"The option '{key}' in '{file}' must be a file path or glob, or a list of them; found '{value}'.", file);

    private string ExpandUser(string pattern)
    {
        if (string.IsNullOrEmpty(home) || !(pattern == "~" || pattern.StartsWith("~/", StringComparison.Ordinal)))
        {
            return pattern;
        }

        return home.TrimEnd('/') + pattern[1..];
    }
}

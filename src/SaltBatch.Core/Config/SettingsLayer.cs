using System.Diagnostics.CodeAnalysis;

namespace SaltBatch.Core.Config;

/// <summary>Top-level settings that remember which file gave each key, so errors can name that file.</summary>
internal sealed class SettingsLayer
{
    private readonly Dictionary<string, string> sources = new(StringComparer.Ordinal);

    public ConfigMapping Values { get; } = new();

    public static SettingsLayer FromFile(string file, ConfigMapping values)
    {
        var layer = new SettingsLayer();
        foreach (var (key, value) in values)
        {
            layer.Values.Set(key, value);
            layer.sources[key] = file;
        }

        return layer;
    }

    public bool TryGet(string key, out object? value, [NotNullWhen(true)] out string? source)
    {
        if (Values.TryGetValue(key, out value))
        {
            source = sources[key];
            return true;
        }

        source = null;
        return false;
    }

    /// <summary>Python's dict.update: each of the other layer's keys replaces this layer's value whole.</summary>
    public void OverlayShallow(SettingsLayer other)
    {
        foreach (var (key, value) in other.Values)
        {
            Values.Set(key, value);
            sources[key] = other.sources[key];
        }
    }

    public void MergeRecursive(SettingsLayer other)
    {
        foreach (var (key, value) in other.Values)
        {
            Values.Set(key, Values.TryGetValue(key, out var current) ? ConfigMerge.Merge(current, value) : value);
            sources[key] = other.sources[key];
        }
    }
}

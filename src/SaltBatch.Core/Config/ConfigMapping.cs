using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace SaltBatch.Core.Config;

/// <summary>A YAML mapping in file order. Only the loader mutates it; callers see it read-only.</summary>
internal sealed class ConfigMapping : IReadOnlyDictionary<string, object?>
{
    private readonly List<string> order = [];
    private readonly Dictionary<string, object?> values = new(StringComparer.Ordinal);

    public ConfigMapping()
    {
    }

    public ConfigMapping(IEnumerable<KeyValuePair<string, object?>> entries)
    {
        foreach (var (key, value) in entries)
        {
            Set(key, value);
        }
    }

    public int Count => order.Count;

    public IEnumerable<string> Keys => order;

    public IEnumerable<object?> Values => order.Select(key => values[key]);

    public object? this[string key] => values[key];

    /// <summary>Overwriting keeps the key's original position, as a Python dict update does.</summary>
    public void Set(string key, object? value)
    {
        if (!values.ContainsKey(key))
        {
            order.Add(key);
        }

        values[key] = value;
    }

    public bool ContainsKey(string key) => values.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value) => values.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() =>
        order.Select(key => new KeyValuePair<string, object?>(key, values[key])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

using System.Collections;

namespace SaltBatch.Core.Payload;

/// <summary>
/// A msgpack map as Python sees it: insertion-ordered, keys of any type (minion returns carry int, bool and nil
/// keys), a repeated key keeps its first position and takes the last value.
/// </summary>
public sealed class PayloadMap : IReadOnlyList<KeyValuePair<object?, object?>>
{
    private readonly List<KeyValuePair<object?, object?>> _entries;
    private readonly Dictionary<string, int> _textKeyIndex;

    public PayloadMap()
        : this(0)
    {
    }

    public PayloadMap(int capacity)
    {
        _entries = new List<KeyValuePair<object?, object?>>(capacity);
        _textKeyIndex = new Dictionary<string, int>(capacity, StringComparer.Ordinal);
    }

    public int Count => _entries.Count;

    public IEnumerable<object?> Keys => _entries.Select(entry => entry.Key);

    public KeyValuePair<object?, object?> this[int index] => _entries[index];

    /// <summary>Sets <paramref name="key"/>; named Add so collection initializers read like a Python dict literal.</summary>
    public void Add(object? key, object? value)
    {
        var existing = IndexOf(key);
        if (existing >= 0)
        {
            _entries[existing] = new KeyValuePair<object?, object?>(_entries[existing].Key, value);
            return;
        }

        if (key is string text)
        {
            _textKeyIndex[text] = _entries.Count;
        }

        _entries.Add(new KeyValuePair<object?, object?>(key, value));
    }

    public bool ContainsKey(string key) => _textKeyIndex.ContainsKey(key);

    public bool TryGetValue(string key, out object? value)
    {
        if (_textKeyIndex.TryGetValue(key, out var index))
        {
            value = _entries[index].Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>The value under a text key, or null when the key is absent (Python's <c>dict.get</c>).</summary>
    public object? Get(string key) => TryGetValue(key, out var value) ? value : null;

    public IEnumerator<KeyValuePair<object?, object?>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(object? key)
    {
        if (key is string text)
        {
            return _textKeyIndex.TryGetValue(text, out var index) ? index : -1;
        }

        for (var i = 0; i < _entries.Count; i++)
        {
            if (PayloadKeyComparer.Equal(_entries[i].Key, key))
            {
                return i;
            }
        }

        return -1;
    }
}

using System.Collections;

namespace SaltBatch.Core.Payload;

/// <summary>
/// A msgpack map as Python sees it: insertion-ordered, keys of any type (minion returns carry int, bool and nil
/// keys), a repeated key keeps its first position and takes the last value.
/// </summary>
/// <remarks>
/// Storage is made on demand and small maps are searched linearly: a document holds thousands of empty or tiny maps
/// (returns, changes), and a hash index on each would cost several times the bytes they occupy on disk. Larger maps
/// are indexed by every key type, so decoding stays linear even for a hostile map of many distinct non-text keys.
/// </remarks>
public sealed class PayloadMap : IReadOnlyList<KeyValuePair<object?, object?>>
{
    /// <summary>From this many entries on, text keys are found through a hash index instead of a scan.</summary>
    private const int IndexedFrom = 8;

    /// <summary>Stands for the nil key in the index, which cannot hold null.</summary>
    private static readonly object NilKey = new();

    private List<KeyValuePair<object?, object?>>? _entries;
    private Dictionary<string, int>? _textKeyIndex;
    private Dictionary<object, int>? _otherKeyIndex;

    public PayloadMap()
        : this(0)
    {
    }

    public PayloadMap(int capacity)
    {
        if (capacity > 0)
        {
            _entries = new List<KeyValuePair<object?, object?>>(capacity);
        }
    }

    public int Count => _entries?.Count ?? 0;

    public IEnumerable<object?> Keys => this.Select(entry => entry.Key);

    public KeyValuePair<object?, object?> this[int index] =>
        _entries is { } entries ? entries[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Sets <paramref name="key"/>; named Add so collection initializers read like a Python dict literal.</summary>
    public void Add(object? key, object? value)
    {
        var existing = IndexOf(key);
        if (existing >= 0)
        {
            _entries![existing] = new KeyValuePair<object?, object?>(_entries[existing].Key, value);
            return;
        }

        _entries ??= [];
        if (_textKeyIndex is not null && _otherKeyIndex is not null)
        {
            AddToIndex(key, _entries.Count);
        }

        _entries.Add(new KeyValuePair<object?, object?>(key, value));
        if (_entries.Count == IndexedFrom)
        {
            BuildIndex(_entries);
        }
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, out object? value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? _entries![index].Value : null;
        return index >= 0;
    }

    /// <summary>The value under a text key, or null when the key is absent (Python's <c>dict.get</c>).</summary>
    public object? Get(string key) => TryGetValue(key, out var value) ? value : null;

    public IEnumerator<KeyValuePair<object?, object?>> GetEnumerator() =>
        (_entries ?? Enumerable.Empty<KeyValuePair<object?, object?>>()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void BuildIndex(List<KeyValuePair<object?, object?>> entries)
    {
        _textKeyIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        _otherKeyIndex = new Dictionary<object, int>(PayloadKeyComparer.Instance);
        for (var i = 0; i < entries.Count; i++)
        {
            AddToIndex(entries[i].Key, i);
        }
    }

    private void AddToIndex(object? key, int position)
    {
        if (key is string text)
        {
            _textKeyIndex![text] = position;
        }
        else
        {
            _otherKeyIndex![key ?? NilKey] = position;
        }
    }

    private int IndexOf(object? key)
    {
        if (_entries is not { } entries)
        {
            return -1;
        }

        if (key is string text)
        {
            if (_textKeyIndex is not null)
            {
                return _textKeyIndex.TryGetValue(text, out var index) ? index : -1;
            }

            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i].Key is string candidate && string.Equals(candidate, text, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }

        if (_otherKeyIndex is not null)
        {
            return _otherKeyIndex.TryGetValue(key ?? NilKey, out var index) ? index : -1;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            if (PayloadKeyComparer.Equal(entries[i].Key, key))
            {
                return i;
            }
        }

        return -1;
    }
}

namespace SaltBatch.Core.Config;

/// <summary>
/// Salt's merge of included files: salt.utils.dictupdate.update with recursive_update and merge_lists on.
/// Nested mappings merge key by key, lists gain the new items they lack, anything else is replaced.
/// </summary>
internal static class ConfigMerge
{
    public static object? Merge(object? existing, object? incoming) => (existing, incoming) switch
    {
        (ConfigMapping dest, ConfigMapping update) => MergeMappings(dest, update),
        (IReadOnlyList<object?> dest, IReadOnlyList<object?> update) => UnionLists(dest, update),
        _ => incoming,
    };

    private static ConfigMapping MergeMappings(ConfigMapping dest, ConfigMapping update)
    {
        var result = new ConfigMapping(dest);
        foreach (var (key, value) in update)
        {
            result.Set(key, result.TryGetValue(key, out var current) ? Merge(current, value) : value);
        }

        return result;
    }

    private static IReadOnlyList<object?> UnionLists(IReadOnlyList<object?> dest, IReadOnlyList<object?> update)
    {
        var result = new List<object?>(dest);
        foreach (var item in update)
        {
            if (!result.Any(existing => PythonValues.AreEqual(existing, item)))
            {
                result.Add(item);
            }
        }

        return result.AsReadOnly();
    }
}

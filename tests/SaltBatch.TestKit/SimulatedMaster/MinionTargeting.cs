using System.Text;
using System.Text.RegularExpressions;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// The master's <c>check_minions</c> for the target types a stop can produce: <c>list</c> (the kill publish) and
/// <c>glob</c>. Other target types match nothing here.
/// </summary>
public static class MinionTargeting
{
    /// <summary>Accepted minions that match, and for list targets the named ids that are not accepted.</summary>
    public static (List<string> Minions, List<string> Missing) Resolve(object? tgt, string? tgtType, IReadOnlyCollection<string> accepted)
    {
        switch (tgtType)
        {
            case "list":
                var named = tgt switch
                {
                    List<object?> items => items.OfType<string>().ToList(),
                    string text => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
                    _ => [],
                };
                var known = new HashSet<string>(accepted, StringComparer.Ordinal);
                return (named.Where(known.Contains).Distinct().ToList(), named.Where(id => !known.Contains(id)).Distinct().ToList());
            case "glob" or null when tgt is string pattern:
                var glob = GlobRegex(pattern);
                return (accepted.Where(id => glob.IsMatch(id)).Order(StringComparer.Ordinal).ToList(), []);
            default:
                return ([], []);
        }
    }

    /// <summary>Python's repr of the target, as it appears in the master's "could not resolve minions" message.</summary>
    public static string PythonRepr(object? tgt) => tgt switch
    {
        string text => text,
        List<object?> items => "[" + string.Join(", ", items.Select(item => item is string text ? $"'{text}'" : Convert.ToString(item))) + "]",
        null => "None",
        _ => Convert.ToString(tgt) ?? string.Empty,
    };

    private static Regex GlobRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        foreach (var c in pattern)
        {
            regex.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                '[' => "[",
                ']' => "]",
                _ => Regex.Escape(c.ToString()),
            });
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}

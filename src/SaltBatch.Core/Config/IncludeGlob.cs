using System.Text;
using System.Text.RegularExpressions;

namespace SaltBatch.Core.Config;

/// <summary>
/// Python's glob.glob for an include pattern whose wildcards (*, ?, [...]) sit in the file name only.
/// Like Python, a wildcard does not match a leading dot; unlike Python, directories are never returned,
/// because Salt would fail trying to read one as a config file.
/// </summary>
internal static class IncludeGlob
{
    public static IReadOnlyList<string> Match(string pattern)
    {
        var directory = Path.GetDirectoryName(pattern);
        var namePattern = Path.GetFileName(pattern);
        if (namePattern.IndexOfAny(['*', '?', '[']) < 0)
        {
            return File.Exists(pattern) ? [pattern] : [];
        }

        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
        {
            return [];
        }

        var regex = Translate(namePattern);
        var dotMustMatch = !namePattern.StartsWith('.');
        try
        {
            return Directory.EnumerateFiles(directory)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(name => regex.IsMatch(name) && !(dotMustMatch && name.StartsWith('.')))
                .Order(StringComparer.Ordinal)
                .Select(name => Path.Join(directory, name))
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Python's glob treats an unreadable directory as matching nothing; so does Salt.
            return [];
        }
    }

    /// <summary>fnmatch.translate, case-sensitive as on POSIX.</summary>
    private static Regex Translate(string pattern)
    {
        var regex = new StringBuilder(@"\A");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '[':
                    var close = FindSetEnd(pattern, i);
                    if (close < 0)
                    {
                        regex.Append(@"\[");
                        break;
                    }

                    var set = pattern[(i + 1)..close].Replace(@"\", @"\\", StringComparison.Ordinal);
                    set = set.StartsWith('!') ? "^" + set[1..] : set.StartsWith('^') ? @"\" + set : set;
                    regex.Append('[').Append(set).Append(']');
                    i = close;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return new Regex(regex.Append(@"\z").ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    /// <summary>The ']' closing the set opened at <paramref name="open"/>; a ']' right after '[' or '[!' is a member.</summary>
    private static int FindSetEnd(string pattern, int open)
    {
        var start = open + 1;
        if (start < pattern.Length && pattern[start] == '!')
        {
            start++;
        }

        return start + 1 < pattern.Length ? pattern.IndexOf(']', start + 1) : -1;
    }
}

using System.Text;
using System.Text.RegularExpressions;

namespace SaltBatch.Core.Companion;

/// <summary>
/// The companion runner <c>saltbatch.py</c>: the copy that ships in the module (<c>salt/_runners/</c>), or one found
/// where a master loads runners. Its version is the <c>VERSION = "…"</c> line that <c>saltbatch.version</c> returns.
/// </summary>
public static partial class CompanionRunnerFile
{
    public const string FileName = "saltbatch.py";

    /// <summary>Where the module keeps it, beside the module's assembly: laid out as <c>salt://_runners/</c>.</summary>
    public static string ShippedPath(string moduleDirectory) => Path.Combine(moduleDirectory, "salt", "_runners", FileName);

    /// <summary>The version a runner file declares, or null when it declares none (not SaltBatch's runner).</summary>
    public static string? VersionOf(ReadOnlySpan<byte> content) =>
        VersionLine().Match(Encoding.UTF8.GetString(content)) is { Success: true } match ? match.Groups["version"].Value : null;

    /// <summary>The version of the file at <paramref name="path"/>; null when it is missing, unreadable or declares none.</summary>
    public static string? VersionAt(string path)
    {
        try
        {
            return File.Exists(path) ? VersionOf(File.ReadAllBytes(path)) : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [GeneratedRegex("^VERSION = \"(?<version>[^\"]+)\"$", RegexOptions.Multiline)]
    private static partial Regex VersionLine();
}

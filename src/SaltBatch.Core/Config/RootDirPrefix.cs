namespace SaltBatch.Core.Config;

/// <summary>
/// Salt's prepend_root_dir on POSIX. Salt strips the separator from the built-in root "/", leaving "", so every
/// absolute path "starts with" it: the value is always re-rooted under root_dir, after first dropping root_dir
/// itself when the value already lies beneath it. Relative values are simply joined to root_dir.
/// </summary>
internal static class RootDirPrefix
{
    /// <summary>os.path.abspath: absolute, normalised, no trailing separator.</summary>
    public static string Normalize(string rootDir)
    {
        var full = Path.GetFullPath(rootDir);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    /// <param name="normalizedRoot">A root_dir already passed through <see cref="Normalize"/>.</param>
    public static string Apply(string value, string normalizedRoot)
    {
        var underRoot = normalizedRoot != "/" && value.StartsWith(normalizedRoot + "/", StringComparison.Ordinal);
        var rest = (underRoot ? value[normalizedRoot.Length..] : value).TrimStart('/');
        return normalizedRoot.EndsWith('/') ? normalizedRoot + rest : normalizedRoot + "/" + rest;
    }
}

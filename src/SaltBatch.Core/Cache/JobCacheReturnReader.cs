using SaltBatch.Core.Payload;
using SaltBatch.Core.Platform;

namespace SaltBatch.Core.Cache;

/// <summary>
/// Reads <c>&lt;jid dir&gt;/&lt;minion&gt;/return.p</c> and <c>out.p</c> as <c>local_cache.get_jid</c> does, in
/// both formats it reads: the 3006+ map <c>{"return", "retcode", "success"}</c>, and the older bare return. A minion
/// id that is not one path component is never used as a path, and no symbolic link is followed.
/// </summary>
public static class JobCacheReturnReader
{
    public const string ReturnFileName = "return.p";

    public const string OutputterFileName = "out.p";

    /// <summary>The return, or null when the job cache has none for the minion.</summary>
    /// <exception cref="SaltBatchException">Corrupt (naming the file), AccessDenied, CacheUnavailable (a symbolic link is one).</exception>
    public static JobCacheReturn? Read(JobCacheLayout layout, string jid, string minion)
    {
        if (!IsPathComponent(minion))
        {
            return null;
        }

        var directory = Path.Combine(layout.JidDirectory(jid), minion);
        if (ReadFile(directory, ReturnFileName) is not { } stored)
        {
            return null;
        }

        var value = stored.Value;
        var ret = value is PayloadMap map && map.TryGetValue("return", out var inner) ? inner : value;
        var outputter = ReadFile(directory, OutputterFileName)?.Value as string;
        return new JobCacheReturn(ret, outputter);
    }

    /// <summary>What local_cache could have made a directory of: not empty, not <c>.</c> or <c>..</c>, no separator, no NUL.</summary>
    public static bool IsPathComponent(string minion) =>
        minion.Length > 0 && minion is not "." and not ".." && minion.IndexOfAny(['/', '\0']) < 0;

    private static StoredValue? ReadFile(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        Microsoft.Win32.SafeHandles.SafeFileHandle? handle;
        try
        {
            handle = NoFollowOpen.Open(directory, name);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw CacheFile.AccessDenied(path, exception);
        }
        catch (IOException exception)
        {
            throw new SaltBatchException(SaltFailureKind.CacheUnavailable, $"Cannot read '{path}': {exception.Message}", path, exception);
        }

        if (handle is null)
        {
            return null;
        }

        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        if (stream.Length == 0)
        {
            return null;
        }

        using var reader = new PayloadReader(stream);
        try
        {
            var value = reader.ReadValue(TextDecoding.FileSemantics);
            reader.EnsureEnd();
            return new StoredValue(value);
        }
        catch (PayloadFormatException exception)
        {
            throw new SaltBatchException(
                SaltFailureKind.Corrupt,
                $"'{path}' is not a readable Salt return file: {exception.Message}. The master's local_cache returner wrote it; a damaged file usually means a full disk or a crash.",
                path,
                exception);
        }
    }

    private sealed record StoredValue(object? Value);
}

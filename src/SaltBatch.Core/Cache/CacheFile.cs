using SaltBatch.Core.Platform;

namespace SaltBatch.Core.Cache;

/// <summary>Opening the master's cache files, with failures that say what was wrong, where, and what to do.</summary>
public static class CacheFile
{
    /// <summary>
    /// Opens a file for a one-pass read, or returns null when it does not exist. The open handle keeps the inode the
    /// master's atomic rename replaced, so a reader sees either the old or the new complete file.
    /// </summary>
    public static FileStream? OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException exception)
        {
            throw AccessDenied(path, exception);
        }
        catch (IOException exception)
        {
            throw new SaltBatchException(SaltFailureKind.CacheUnavailable, $"Cannot read '{path}': {exception.Message}", path, exception);
        }
    }

    public static SaltBatchException AccessDenied(string path, Exception? inner = null)
    {
        var denied = FirstDeniedAncestor(path) ?? path;
        var owner = UnixAccounts.DescribeOwner(denied);
        var ownerText = owner is null ? string.Empty : $" (owned by {owner})";
        return new SaltBatchException(
            SaltFailureKind.AccessDenied,
            $"Permission denied reading '{path}': '{denied}'{ownerText} is not accessible to user '{UnixAccounts.EffectiveUserName()}'. Run as root or as the Salt master's user.",
            path,
            inner);
    }

    /// <summary>
    /// The directory a path is blocked at, so the message names the real obstacle (a 0750 cachedir, not the file).
    /// </summary>
    private static string? FirstDeniedAncestor(string path)
    {
        var ancestors = new Stack<string>();
        for (var directory = Path.GetDirectoryName(path); !string.IsNullOrEmpty(directory); directory = Path.GetDirectoryName(directory))
        {
            ancestors.Push(directory);
        }

        foreach (var directory in ancestors)
        {
            if (Directory.Exists(directory) && !UnixAccounts.CanTraverse(directory))
            {
                return directory;
            }
        }

        return null;
    }
}

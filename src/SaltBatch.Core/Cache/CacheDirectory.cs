using SaltBatch.Core.Platform;

namespace SaltBatch.Core.Cache;

/// <summary>Checks, before any batch is read, that the cache directory is there and that this user may enter it.</summary>
public static class CacheDirectory
{
    /// <exception cref="SaltBatchException">CacheUnavailable when missing; AccessDenied (naming the owner) when not enterable.</exception>
    public static void EnsureUsable(string cacheDir)
    {
        if (Directory.Exists(cacheDir))
        {
            if (!UnixAccounts.CanTraverse(cacheDir))
            {
                throw CacheFile.AccessDenied(Path.Combine(cacheDir, JobCacheLayout.ActiveIndexFileName));
            }

            return;
        }

        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(cacheDir));
        if (parent is not null && Directory.Exists(parent) && !UnixAccounts.CanTraverse(parent))
        {
            throw CacheFile.AccessDenied(cacheDir);
        }

        throw new SaltBatchException(
            SaltFailureKind.CacheUnavailable,
            $"The Salt master cache directory '{cacheDir}' does not exist. Run this on the master host, or point -CacheDir (or 'cachedir' in the master config given with -ConfigPath) at the master's cache.",
            cacheDir);
    }
}

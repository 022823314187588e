using SaltBatch.Core.Platform;

namespace SaltBatch.Core.Cache;

/// <summary>
/// Salt's <c>atomic_open</c> (reference §3.3): a <c>.___atomic_write*</c> temp file (mode 0600) in the target's
/// directory; when the target exists its mode, owner and group are copied onto the temp file; then rename(2) over the
/// target, so readers see the old or the new file, never half of one. Unlike Salt, a file that does not exist yet can
/// be given an owner (the master's user), so a root caller does not leave the master a file it cannot read (§1.9).
/// </summary>
public static class AtomicFile
{
    public const string TempPrefix = ".___atomic_write";

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <param name="newFileOwner">Owner and group for a target that does not exist yet; null keeps the writing process's.</param>
    /// <exception cref="SaltBatchException">AccessDenied when the directory or the ownership change is not permitted.</exception>
    public static void Write(string path, byte[] content, UnixOwner? newFileOwner = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, TempPrefix + Path.GetRandomFileName().Replace(".", string.Empty, StringComparison.Ordinal));
        try
        {
            Directory.CreateDirectory(directory);
            using (var stream = CreateOwnerOnly(temp))
            {
                stream.Write(content);
            }

            var existingOwner = File.Exists(path) ? UnixAccounts.OwnerOf(path) : null;
            if (existingOwner is not null && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            }

            if ((existingOwner ?? newFileOwner) is { } owner && UnixAccounts.OwnerOf(temp) != owner)
            {
                UnixAccounts.ChangeOwner(temp, owner);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (UnauthorizedAccessException denied)
        {
            File.Delete(temp);
            throw new SaltBatchException(
                SaltFailureKind.AccessDenied,
                $"Permission denied writing '{path}' as user '{UnixAccounts.EffectiveUserName()}' ({denied.Message}). Run as root or as the Salt master's user.",
                path,
                denied);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static FileStream CreateOwnerOnly(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        return new FileStream(path, options);
    }
}

using SaltBatch.Core.Platform;

namespace SaltBatch.Core.Cache;

/// <summary>
/// Salt's <c>atomic_open</c> (reference §3.3): a <c>.___atomic_write*</c> temp file (mode 0600) in the target's
/// directory; when the target exists its mode, owner and group are copied onto the temp file; then rename(2) over the
/// target, so readers see the old or the new file, never half of one. The temp file is created exclusively (nothing
/// planted at its name is opened) and the copy goes through its open handle only, never through a path; a target
/// that is a symlink lends nothing. New files belong to whoever writes them: run it as the master's identity
/// (<see cref="MasterIdentity"/>) for files the master owns.
/// </summary>
public static class AtomicFile
{
    public const string TempPrefix = ".___atomic_write";

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <exception cref="UnauthorizedAccessException">Not permitted; the temp file is gone.</exception>
    /// <exception cref="IOException">Any other failure (a full disk, a read-only cache); the temp file is gone.</exception>
    public static void Write(string path, byte[] content) => Write(path, content, unchanged: null);

    /// <summary>The same, giving a new target <paramref name="modeForNew"/> instead of 0600 (an existing one keeps its own).</summary>
    public static void Write(string path, byte[] content, UnixFileMode modeForNew) => Write(path, content, unchanged: null, modeForNew);

    /// <summary>
    /// The same, but only if the target is still the version read before: checked just before the rename, so a
    /// read-modify-write never replaces a newer file it has not seen.
    /// </summary>
    /// <param name="unchangedSince">The target's version when it was read (null: there was none).</param>
    /// <returns>False, with nothing written, when another writer replaced the target meanwhile.</returns>
    public static bool WriteIfUnchanged(string path, byte[] content, FileVersion? unchangedSince) => Write(path, content, () => FileVersion.Of(path) == unchangedSince);

    private static bool Write(string path, byte[] content, Func<bool>? unchanged, UnixFileMode? modeForNew = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, TempPrefix + Path.GetRandomFileName().Replace(".", string.Empty, StringComparison.Ordinal));
        var created = false;
        try
        {
            Directory.CreateDirectory(directory);
            using (var stream = CreateOwnerOnly(temp))
            {
                created = true;
                stream.Write(content);
                if (modeForNew is { } mode && !OperatingSystem.IsWindows() && !File.Exists(path))
                {
                    File.SetUnixFileMode(stream.SafeFileHandle, mode);
                }

                CopyModeAndOwner(path, stream);
            }

            if (unchanged is not null && !unchanged())
            {
                File.Delete(temp);
                return false;
            }

            File.Move(temp, path, overwrite: true);
            return true;
        }
        catch when (created)
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>What Salt copies from an existing target; an owner this writer may not give is left as it is (its own).</summary>
    private static void CopyModeAndOwner(string target, FileStream temp)
    {
        if (OperatingSystem.IsWindows() || UnixAccounts.OwnerAndModeOfFile(target) is not var (owner, mode))
        {
            return;
        }

        File.SetUnixFileMode(temp.SafeFileHandle, mode);
        UnixFiles.TryChangeOwner(temp.SafeFileHandle, owner);
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

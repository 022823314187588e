namespace SaltBatch.Core.Platform;

/// <summary>
/// Which version of a file a path names: a writer that renames a new file into place changes the inode, and the times
/// and size change with any write, so two equal versions mean nobody replaced the file in between.
/// </summary>
public readonly record struct FileVersion(ulong Inode, long Size, long ModifiedNanoseconds, long ChangedNanoseconds)
{
    /// <summary>The version of the file at a path itself (a symlink is not followed); null when there is none.</summary>
    public static FileVersion? Of(string path) => OperatingSystem.IsLinux()
        ? Statx.Of(path, followLinks: false)?.Version
        : File.Exists(path) ? new FileVersion(0, new FileInfo(path).Length, File.GetLastWriteTimeUtc(path).Ticks * 100, 0) : null;
}

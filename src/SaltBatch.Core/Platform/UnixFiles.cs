using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SaltBatch.Core.Platform;

/// <summary>The file operations .NET does not expose the way a writer in another account's directory needs them.</summary>
public static partial class UnixFiles
{
    private const int AlreadyExists = 17;
    private const int PermissionDenied = 13;
    private const int NotPermitted = 1;

    /// <summary>mkdir(2): true when this call made the directory, false when something already had the name.</summary>
    /// <exception cref="UnauthorizedAccessException">EACCES or EPERM.</exception>
    /// <exception cref="IOException">Any other failure (no space, read-only file system, a missing parent, …).</exception>
    public static bool TryCreateDirectory(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsLinux())
        {
            if (Directory.Exists(path))
            {
                return false;
            }

            Directory.CreateDirectory(path);
            return true;
        }

        if (MakeDirectory(path, (uint)mode) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno switch
        {
            AlreadyExists => false,
            PermissionDenied or NotPermitted => throw new UnauthorizedAccessException($"mkdir '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})."),
            _ => throw new IOException($"mkdir '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno),
        };
    }

    /// <summary>fchown(2) of an open file: the one way to change an owner that no path swap can redirect. False when not permitted.</summary>
    public static bool TryChangeOwner(SafeFileHandle file, UnixOwner owner)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var added = false;
        file.DangerousAddRef(ref added);
        try
        {
            return ChangeOwnerOfDescriptor((int)file.DangerousGetHandle(), owner.Uid, owner.Gid) == 0;
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// The path with every symlink resolved (realpath(3)) as far as it exists, the missing rest appended: the
    /// directories a write there really goes through.
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        if (!OperatingSystem.IsLinux())
        {
            return full;
        }

        var missing = new Stack<string>();
        var existing = full;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            missing.Push(Path.GetFileName(existing));
            existing = parent;
        }

        var resolved = ResolvePath(existing, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return full;
        }

        try
        {
            return Path.Combine([Marshal.PtrToStringUTF8(resolved)!, .. missing]);
        }
        finally
        {
            Marshal.FreeHGlobal(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr ResolvePath(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "mkdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MakeDirectory(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    private static partial int ChangeOwnerOfDescriptor(int fd, uint uid, uint gid);
}

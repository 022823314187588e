using System.Runtime.InteropServices;

namespace SaltBatch.Core.Platform;

/// <summary>Who owns a path and who we are: what a permission error needs to tell the admin what to do.</summary>
public static partial class UnixAccounts
{
    private const int ExecuteOk = 1;

    /// <summary>"salt (uid 999), mode 0750" for a path, or null when it cannot be examined.</summary>
    public static string? DescribeOwner(string path) =>
        Stat(path) is var (owner, mode)
            ? $"{UserName(owner.Uid) ?? "?"} (uid {owner.Uid}, gid {owner.Gid}), mode {Convert.ToString(mode, 8).PadLeft(4, '0')}"
            : null;

    /// <summary>
    /// The effective user's name, as Salt's <c>get_user()</c> (<c>pwd.getpwuid(os.geteuid())</c>) sees it;
    /// Environment.UserName can report the login user instead, e.g. under <c>sudo -u</c> with a preserved environment.
    /// </summary>
    public static string EffectiveUserName() =>
        OperatingSystem.IsLinux() ? UserName(GetEuid()) ?? Environment.UserName : Environment.UserName;

    /// <summary>True when this process may enter the directory (search permission), as opening files beneath it needs.</summary>
    public static bool CanTraverse(string directory) =>
        !OperatingSystem.IsLinux() || Access(directory, ExecuteOk) == 0;

    /// <summary>The account's uid and primary gid (<c>pwd.getpwnam</c>), or null when there is no such user.</summary>
    public static UnixOwner? LookupUser(string name)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // struct passwd on Linux: char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; ...
        return PasswdEntry.TryRead(
            (IntPtr entry, IntPtr buffer, nuint size, out IntPtr result) => GetPwNamR(name, entry, buffer, size, out result),
            entry => new UnixOwner((uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size), (uint)Marshal.ReadInt32(entry, (2 * IntPtr.Size) + sizeof(uint))),
            out var owner)
            ? owner
            : null;
    }

    public static uint EffectiveUserId() => OperatingSystem.IsLinux() ? GetEuid() : 0;

    /// <summary>The owner and group of a path (following links), or null when it cannot be examined.</summary>
    public static UnixOwner? OwnerOf(string path) => Stat(path)?.Owner;

    /// <summary>The owner and permission bits of the path itself, not of what a symlink there points to; null for a symlink or nothing.</summary>
    public static (UnixOwner Owner, UnixFileMode Mode)? OwnerAndModeOfFile(string path) =>
        File.Exists(path) && !File.GetAttributes(path).HasFlag(FileAttributes.ReparsePoint) && Stat(path, followLinks: false) is var (owner, mode)
            ? (owner, (UnixFileMode)mode)
            : null;

    /// <summary>The owner and permission bits of a directory, following links (each path component is checked on its own); null when there is none.</summary>
    public static (UnixOwner Owner, UnixFileMode Mode)? OwnerAndModeOfDirectory(string path) =>
        Directory.Exists(path) && Stat(path) is var (owner, mode) ? (owner, (UnixFileMode)mode) : null;

    /// <summary>statx(2) of a path: its owner and its permission bits, or null when it cannot be examined.</summary>
    private static (UnixOwner Owner, int Mode)? Stat(string path, bool followLinks = true) =>
        Statx.Of(path, followLinks) is { } stat ? (stat.Owner, stat.Mode) : null;

    private static string? UserName(uint uid) =>
        // pw_name is the first field of struct passwd on every POSIX libc.
        PasswdEntry.TryRead(
            (IntPtr entry, IntPtr buffer, nuint size, out IntPtr result) => GetPwUidR(uid, entry, buffer, size, out result),
            entry => Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(entry)),
            out var name) && name is { Length: > 0 }
            ? name
            : null;

    /// <summary>The reentrant lookups: parallel runspaces call these at once, and getpwnam's static buffer is shared.</summary>
    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetPwNamR(string name, IntPtr entry, IntPtr buffer, nuint size, out IntPtr result);

    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    private static partial int GetPwUidR(uint uid, IntPtr entry, IntPtr buffer, nuint size, out IntPtr result);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}

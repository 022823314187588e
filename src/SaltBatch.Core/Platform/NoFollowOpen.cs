using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SaltBatch.Core.Platform;

/// <summary>
/// Opens <c>DIRECTORY/NAME</c> for reading without following a symbolic link at either step (open(2) of the directory
/// with O_DIRECTORY|O_NOFOLLOW, then openat(2) with O_NOFOLLOW): a link the master's account planted in its own
/// cache can never make root read a file elsewhere, and no swap between a check and the open can either.
/// </summary>
public static partial class NoFollowOpen
{
    private const int NoSuchFile = 2;
    private const int NotADirectory = 20;
    private const int TooManyLinks = 40;
    private const int PermissionDenied = 13;
    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000;

    /// <summary>The handle, or null when the directory or the file does not exist.</summary>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    /// <exception cref="IOException">Either step is a symbolic link (or not what it should be), or another failure.</exception>
    public static SafeFileHandle? Open(string directory, string name)
    {
        if (!OperatingSystem.IsLinux())
        {
            var path = Path.Combine(directory, name);
            return File.Exists(path) ? File.OpenHandle(path) : null;
        }

        var (noFollow, isDirectory) = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm
            ? (0x8000, 0x4000)
            : (0x20000, 0x10000);
        var parent = OpenPath(directory, ReadOnly | isDirectory | noFollow | CloseOnExec);
        if (parent < 0)
        {
            return Failed(Marshal.GetLastPInvokeError(), directory);
        }

        try
        {
            var file = OpenAt(parent, name, ReadOnly | noFollow | CloseOnExec);
            return file < 0 ? Failed(Marshal.GetLastPInvokeError(), Path.Combine(directory, name)) : new SafeFileHandle(file, ownsHandle: true);
        }
        finally
        {
            _ = Close(parent);
        }
    }

    private static SafeFileHandle? Failed(int errno, string path) => errno switch
    {
        NoSuchFile => null,
        PermissionDenied => throw new UnauthorizedAccessException($"open '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)}."),
        TooManyLinks or NotADirectory => throw new IOException($"'{path}' is a symbolic link (or not a directory where one belongs); it is not followed."),
        _ => throw new IOException($"open '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno),
    };

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenPath(string path, int flags);

    [LibraryImport("libc", EntryPoint = "openat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenAt(int directory, string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}

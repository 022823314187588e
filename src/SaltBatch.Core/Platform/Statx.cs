using System.Runtime.InteropServices;

namespace SaltBatch.Core.Platform;

/// <summary>statx(2) of a path: the fields the engine looks at, read from the kernel's <c>struct statx</c>.</summary>
internal static partial class Statx
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint BasicStats = 0x7ff;
    private const int UidOffset = 20;
    private const int GidOffset = 24;
    private const int ModeOffset = 28;
    private const int InodeOffset = 32;
    private const int SizeOffset = 40;
    private const int ChangeTimeOffset = 96;
    private const int ModifyTimeOffset = 112;

    /// <summary>Null when the path cannot be examined (or off Linux).</summary>
    public static StatxResult? Of(string path, bool followLinks)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[256];
        unsafe
        {
            fixed (byte* pointer = buffer)
            {
                if (Call(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, BasicStats, pointer) != 0)
                {
                    return null;
                }
            }
        }

        return new StatxResult(
            new UnixOwner(BitConverter.ToUInt32(buffer[UidOffset..]), BitConverter.ToUInt32(buffer[GidOffset..])),
            BitConverter.ToUInt16(buffer[ModeOffset..]) & 0xfff,
            new FileVersion(
                BitConverter.ToUInt64(buffer[InodeOffset..]),
                BitConverter.ToInt64(buffer[SizeOffset..]),
                Nanoseconds(buffer[ModifyTimeOffset..]),
                Nanoseconds(buffer[ChangeTimeOffset..])));
    }

    /// <summary>struct statx_timestamp: tv_sec (s64), tv_nsec (u32).</summary>
    private static long Nanoseconds(ReadOnlySpan<byte> timestamp) =>
        (BitConverter.ToInt64(timestamp) * 1_000_000_000L) + BitConverter.ToUInt32(timestamp[8..]);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Call(int directoryFd, string path, int flags, uint mask, byte* buffer);
}

/// <summary>What <see cref="Statx"/> read: owner, permission bits, and which version of the file it is.</summary>
internal readonly record struct StatxResult(UnixOwner Owner, int Mode, FileVersion Version);

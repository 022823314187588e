using System.Runtime.InteropServices;

namespace SaltBatch.Core.Platform;

/// <summary>
/// Calls a <c>getpw*_r</c> function with a <c>struct passwd</c> and a string buffer of our own (grown on ERANGE), and
/// reads what it needs from the entry while the buffer is still alive.
/// </summary>
internal static class PasswdEntry
{
    public delegate int Lookup(IntPtr entry, IntPtr buffer, nuint size, out IntPtr result);

    private const int RangeTooSmall = 34;
    private const int EntrySize = 128;
    private const int FirstBufferSize = 4096;
    private const int LargestBufferSize = 1 << 20;

    /// <returns>False when there is no such account; else what <paramref name="read"/> took from the entry.</returns>
    public static bool TryRead<T>(Lookup lookup, Func<IntPtr, T> read, out T value)
    {
        value = default!;
        for (var size = FirstBufferSize; size <= LargestBufferSize; size *= 2)
        {
            var entry = Marshal.AllocHGlobal(EntrySize);
            var buffer = Marshal.AllocHGlobal(size);
            try
            {
                var error = lookup(entry, buffer, (nuint)size, out var result);
                if (error == RangeTooSmall)
                {
                    continue;
                }

                if (error != 0 || result == IntPtr.Zero)
                {
                    return false;
                }

                value = read(result);
                return true;
            }
            finally
            {
                Marshal.FreeHGlobal(buffer);
                Marshal.FreeHGlobal(entry);
            }
        }

        return false;
    }
}

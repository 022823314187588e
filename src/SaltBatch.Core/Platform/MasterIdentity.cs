using System.Runtime.InteropServices;

namespace SaltBatch.Core.Platform;

/// <summary>
/// Runs file work with the master's identity instead of root's: on a thread of its own whose filesystem uid and gid
/// (setfsuid/setfsgid) are the master's and whose supplementary groups are cleared. Files are then born owned by the
/// master, and every path — a symlink the master's account planted included — is followed with the master's rights
/// only: root's capability to override permissions, to chown and to chmod others' files is not in force on that
/// thread (capabilities(7): changing the fsuid from 0 clears them). Both calls act on the calling thread alone, so
/// the rest of the process stays root.
/// </summary>
public static partial class MasterIdentity
{
    /// <summary>Asking setfsuid/setfsgid for an id that cannot be set returns the current one and changes nothing.</summary>
    private const uint QueryOnly = uint.MaxValue;

    /// <param name="master">The identity to take; null runs <paramref name="work"/> here, as this process (already the master's user).</param>
    /// <exception cref="SaltBatchException">AccessDenied when the identity cannot be taken; whatever <paramref name="work"/> throws.</exception>
    public static T Run<T>(UnixOwner? master, Func<T> work)
    {
        if (master is not { } identity || !OperatingSystem.IsLinux())
        {
            return work();
        }

        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Become(identity);
                result = work();
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        })
        {
            IsBackground = true,
            Name = "SaltBatch master identity",
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return result;
    }

    /// <summary>The thread ends with the work, and its credentials with it; nothing is restored because nothing runs after.</summary>
    private static void Become(UnixOwner master)
    {
        if (SetGroupsOfThisThread() != 0)
        {
            throw Refused(master, $"clearing the supplementary groups failed (errno {Marshal.GetLastPInvokeError()})");
        }

        // Group first: once the fsuid is not 0, setfsgid to another group is no longer permitted.
        SetFsGid(master.Gid);
        SetFsUid(master.Uid);
        if (SetFsGid(QueryOnly) != master.Gid || SetFsUid(QueryOnly) != master.Uid)
        {
            throw Refused(master, "setfsuid/setfsgid did not take effect (is this process root?)");
        }
    }

    /// <summary>
    /// setgroups(0, NULL) as a raw system call: glibc's wrapper changes every thread of the process, the kernel call only
    /// this one. Unknown architectures are refused rather than written to as root.
    /// </summary>
    private static long SetGroupsOfThisThread() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => Syscall(116, 0, IntPtr.Zero),
        Architecture.Arm64 => Syscall(159, 0, IntPtr.Zero),
        _ => throw new SaltBatchException(
            SaltFailureKind.AccessDenied,
            $"Writing as the master's user is not supported on {RuntimeInformation.ProcessArchitecture}; run SaltBatch as the master's user (for example with sudo -u salt) instead of root.",
            null),
    };

    private static SaltBatchException Refused(UnixOwner master, string why) =>
        new(
            SaltFailureKind.AccessDenied,
            $"Could not take the master's identity (uid {master.Uid}, gid {master.Gid}) to write its job cache: {why}. Nothing was written; run as root or as the master's user.",
            null);

    [LibraryImport("libc", EntryPoint = "setfsuid")]
    private static partial uint SetFsUid(uint uid);

    [LibraryImport("libc", EntryPoint = "setfsgid")]
    private static partial uint SetFsGid(uint gid);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long count, IntPtr groups);
}

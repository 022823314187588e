using System.Runtime.InteropServices;

namespace SaltBatch.Core.Publish;

/// <summary>
/// The name of the process's effective user, as Python's <c>pwd.getpwuid(os.geteuid())</c> gives it. Environment.UserName
/// can report the login user instead (for example under <c>sudo -u</c> with a preserved environment).
/// </summary>
internal static class EffectiveUser
{
    public static string Name
    {
        get
        {
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            {
                try
                {
                    var entry = GetPasswordEntry(GetEffectiveUserId());
                    // pw_name is the first field of struct passwd on every POSIX libc.
                    if (entry != IntPtr.Zero && Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(entry)) is { Length: > 0 } name)
                    {
                        return name;
                    }
                }
                catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
                {
                }
            }

            return Environment.UserName;
        }
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();

    [DllImport("libc", EntryPoint = "getpwuid")]
    private static extern IntPtr GetPasswordEntry(uint userId);
}

using SaltBatch.Core.Platform;
namespace SaltBatch.Core.Publish;

/// <summary>
/// Picks the user name and key a publish is sent with, following <c>LocalClient</c> (reference §8.4): the caller's
/// effective user (root under sudo becomes <c>sudo_&lt;name&gt;</c>), and the key file of the master's user when the
/// caller is root or a sudo user.
/// </summary>
public static class KeyResolver
{
    /// <param name="cacheDir">The master's <c>cachedir</c>, where the <c>.&lt;user&gt;_key</c> files live.</param>
    /// <param name="masterUser">The master config's <c>user</c>.</param>
    /// <param name="effectiveUserName">The caller's effective user; defaults to the real one.</param>
    /// <param name="environment">Looks up environment variables (<c>SUDO_USER</c>); defaults to the process environment.</param>
    public static PublishCredentials Resolve(string cacheDir, string masterUser, string? effectiveUserName = null, Func<string, string?>? environment = null)
    {
        var user = CallingUser(effectiveUserName ?? UnixAccounts.EffectiveUserName(), environment ?? Environment.GetEnvironmentVariable);
        var keyUser = KeyUser(user, masterUser);
        var keyPath = Path.Combine(cacheDir, $".{keyUser}_key");
        return new PublishCredentials(user, keyUser, keyPath, ReadKey(keyPath, keyUser));
    }

    internal static string CallingUser(string effectiveUserName, Func<string, string?> environment) =>
        effectiveUserName == "root" && environment("SUDO_USER") is { Length: > 0 } sudoUser
            ? "sudo_" + sudoUser
            : effectiveUserName;

    internal static string KeyUser(string callingUser, string masterUser)
    {
        var keyUser = (callingUser == "root" && masterUser != "root") || callingUser.StartsWith("sudo_", StringComparison.Ordinal)
            ? masterUser
            : callingUser;
        return OperatingSystem.IsWindows() ? keyUser.Replace('\\', '_') : keyUser;
    }

    /// <summary>
    /// The key exactly as written (no trimming); empty when it cannot be read, which the master will reject. Root reads
    /// another account's key file with that account's identity: the file sits in a directory the account can write, and
    /// a symlink planted there would otherwise lend it root's reading rights, the file's text going out in the load.
    /// </summary>
    private static string ReadKey(string keyPath, string keyUser)
    {
        var owner = UnixAccounts.EffectiveUserId() == 0 && keyUser != "root" ? UnixAccounts.LookupUser(keyUser) : null;
        try
        {
            return MasterIdentity.Run(owner, () => File.ReadAllText(keyPath));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}

using SaltBatch.Core.Platform;

namespace SaltBatch.Core.Cache;

/// <summary>
/// Who new files in the master's cache must belong to: the master's <c>user</c>. Root writes them with its identity; the master
/// user itself owns them already; anyone else would leave files the master cannot rewrite, so is refused up front.
/// </summary>
public static class CacheOwnership
{
    /// <returns>The identity to write new files and directories with, or null when the process's own is already right.</returns>
    /// <exception cref="SaltBatchException">AccessDenied (not root and not the master's user); ConfigInvalid (no such account).</exception>
    public static UnixOwner? ForNewFiles(string masterUser)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var master = UnixAccounts.LookupUser(masterUser) ?? throw new SaltBatchException(
            SaltFailureKind.ConfigInvalid,
            $"The master config names user '{masterUser}', but there is no such account on this host. Set 'user' in the master config to the account salt-master runs as.",
            masterUser);
        var self = UnixAccounts.EffectiveUserId();
        if (self == master.Uid)
        {
            return null;
        }

        if (self == 0)
        {
            return master;
        }

        throw new SaltBatchException(
            SaltFailureKind.AccessDenied,
            $"A batch is written into the master's job cache as its user '{masterUser}'; user '{UnixAccounts.EffectiveUserName()}' can do neither. Run as root or as '{masterUser}' (for example with sudo -u {masterUser}).",
            masterUser);
    }
}

using SaltBatch.Core.Config;
using SaltBatch.Core.Platform;

namespace SaltBatch;

/// <summary>How a cmdlet or completer finds the master: the same resolution everywhere, from -ConfigPath and -CacheDir.</summary>
internal static class MasterContext
{
    /// <param name="configPath">Already resolved to a file-system path, or null.</param>
    /// <param name="cacheDir">Already resolved to a file-system path, or null.</param>
    /// <exception cref="MasterConfigException">The config cannot be read or is invalid.</exception>
    public static MasterConfig Resolve(string? configPath, string? cacheDir) =>
        MasterConfigLoader.Load(new MasterConfigRequest
        {
            ConfigPath = configPath,
            CacheDirOverride = cacheDir,
            CurrentUserName = UnixAccounts.EffectiveUserName(),
        });
}

using SaltBatch.Core.Companion;
using SaltBatch.Core.Config;

namespace SaltBatch;

/// <summary>The master settings SaltBatch resolved and will use: files read, locations, identity and endpoints.</summary>
public sealed class SaltMasterConfigInfo
{
    internal SaltMasterConfigInfo(MasterConfig config)
    {
        ConfigFile = config.ConfigFile;
        ConfigFileFound = config.ConfigFileFound;
        ConfigFiles = [.. config.ConfigFiles];
        RootDir = config.RootDir;
        CacheDir = config.CacheDir;
        SockDir = config.SockDir;
        HashType = config.HashType;
        User = config.User;
        Transport = config.Transport;
        Interface = config.Interface;
        RetPort = config.RetPort;
        MasterUri = config.MasterUri;
        IpcMode = config.IpcMode;
        IPv6 = config.IPv6;
        TcpMasterPubPort = config.TcpMasterPubPort;
        TcpMasterPullPort = config.TcpMasterPullPort;
        EventPullEndpoint = config.EventPullEndpoint.ToString();
        EventPubEndpoint = config.EventPubEndpoint.ToString();
        Timeout = config.Timeout;
        ActiveIndexPath = config.ActiveIndexPath;
        ExtensionModules = config.ExtensionModules;
        RunnerDirs = [.. config.RunnerDirs];
        FileRoots = [.. config.FileRootsBase];
        var runner = CompanionRunnerLocator.Find(config);
        CompanionRunnerPath = runner.LoadedPath;
        CompanionRunnerVersion = runner.LoadedVersion;
        CompanionRunnerStaged = [.. runner.Staged];
    }

    public string ConfigFile { get; }

    public bool ConfigFileFound { get; }

    /// <summary>Every file read: the main file first, then includes in merge order.</summary>
    public string[] ConfigFiles { get; }

    public string RootDir { get; }

    public string CacheDir { get; }

    public string SockDir { get; }

    public string HashType { get; }

    /// <summary>The user the master runs as (config <c>user</c>); its key file authorises publishes.</summary>
    public string User { get; }

    public string Transport { get; }

    public string Interface { get; }

    public int RetPort { get; }

    public string MasterUri { get; }

    public string IpcMode { get; }

    public bool? IPv6 { get; }

    public int TcpMasterPubPort { get; }

    public int TcpMasterPullPort { get; }

    public string EventPullEndpoint { get; }

    public string EventPubEndpoint { get; }

    /// <summary>Seconds per request to the master.</summary>
    public int Timeout { get; }

    public string ActiveIndexPath { get; }

    /// <summary><c>extension_modules</c>: <c>runners/</c> beneath it is what <c>saltutil.sync_runners</c> fills.</summary>
    public string ExtensionModules { get; }

    /// <summary><c>runner_dirs</c>: directories the master loads runner modules from.</summary>
    public string[] RunnerDirs { get; }

    /// <summary><c>file_roots</c>' base environment.</summary>
    public string[] FileRoots { get; }

    /// <summary>
    /// The companion runner (saltbatch) the master loads, first in its load order (extension_modules, then
    /// runner_dirs); null: not installed (Install-SaltBatchRunner).
    /// </summary>
    public string? CompanionRunnerPath { get; }

    /// <summary>The version of <see cref="CompanionRunnerPath"/> (what salt-run saltbatch.version says).</summary>
    public string? CompanionRunnerVersion { get; }

    /// <summary>Copies in file_roots' <c>_runners</c>, which the master loads only after <c>salt-run saltutil.sync_runners</c>.</summary>
    public string[] CompanionRunnerStaged { get; }
}

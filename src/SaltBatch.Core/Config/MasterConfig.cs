using SaltBatch.Core.Publish;
using SaltBatch.Core.Bus;
using System.Net;
namespace SaltBatch.Core.Config;

/// <summary>
/// The master settings this module needs, resolved once (files, includes, defaults, root_dir) into a value.
/// Unset properties carry Salt's Linux defaults.
/// </summary>
public sealed record MasterConfig
{
    /// <summary>The main configuration file, whether or not it existed.</summary>
    public string ConfigFile { get; init; } = MasterDefaults.ConfigFile;

    public bool ConfigFileFound { get; init; }

    /// <summary>Every file actually read: the main file first, then included files in the order they were read.</summary>
    public IReadOnlyList<string> ConfigFiles { get; init; } = [];

    /// <summary>Problems Salt itself tolerates (an unparsable included file, an include that matches nothing).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The merged settings exactly as the files gave them (before defaults and root_dir), for diagnostics.</summary>
    public IReadOnlyDictionary<string, object?> Raw { get; init; } = new ConfigMapping();

    public string RootDir { get; init; } = MasterDefaults.RootDir;

    public string CacheDir { get; init; } = MasterDefaults.CacheDir;

    public string SockDir { get; init; } = MasterDefaults.SockDir;

    public string HashType { get; init; } = MasterDefaults.HashType;

    // Salt's default is whoever loads the config; the loader passes its caller's name explicitly.
    public string User { get; init; } = Environment.UserName;

    public string Transport { get; init; } = MasterDefaults.Transport;

    public int RetPort { get; init; } = MasterDefaults.RetPort;

    public string Interface { get; init; } = MasterDefaults.Interface;

    public bool? IPv6 { get; init; }

    public string IpcMode { get; init; } = MasterDefaults.IpcMode;

    public int TcpMasterPubPort { get; init; } = MasterDefaults.TcpMasterPubPort;

    public int TcpMasterPullPort { get; init; } = MasterDefaults.TcpMasterPullPort;

    /// <summary>Seconds to wait for each publish request try.</summary>
    public int Timeout { get; init; } = MasterDefaults.Timeout;

    public int GatherJobTimeout { get; init; } = MasterDefaults.GatherJobTimeout;

    public int RequestChannelTries { get; init; } = MasterDefaults.RequestChannelTries;

    public string ExtJobCache { get; init; } = MasterDefaults.ExtJobCache;

    public bool OrderMasters { get; init; } = MasterDefaults.OrderMasters;

    public int MaxEventSize { get; init; } = MasterDefaults.MaxEventSize;

    /// <summary><c>extension_modules</c>: where <c>saltutil.sync_runners</c> puts <c>runners/</c>, loaded before <c>runner_dirs</c>.</summary>
    public string ExtensionModules { get; init; } = MasterDefaults.ExtensionModules;

    /// <summary><c>runner_dirs</c>: directories the master loads runner modules from, as they are.</summary>
    public IReadOnlyList<string> RunnerDirs { get; init; } = [];

    /// <summary><c>file_roots</c>' <c>base</c> environment: where <c>salt://_runners/</c> lives before a sync.</summary>
    public IReadOnlyList<string> FileRootsBase { get; init; } = MasterDefaults.FileRootsBase;

    public string JobsDir => Path.Join(CacheDir, "jobs");

    public string ActiveIndexPath => Path.Join(CacheDir, "batch_active.p");

    /// <summary>Exists only while the master's publisher runs (checked by Salt before publishing).</summary>
    public string PublishPullPath => Path.Join(SockDir, "publish_pull.ipc");

    /// <summary>Where events are fired.</summary>
    public MasterEndpoint EventPullEndpoint => UsesTcpEventBus
        ? MasterEndpoint.Tcp(EventBusLoopback, TcpMasterPullPort)
        : EventBusEndpoints.InSocketDirectory(SockDir).Pull;

    /// <summary>Where events are listened to.</summary>
    public MasterEndpoint EventPubEndpoint => UsesTcpEventBus
        ? MasterEndpoint.Tcp(EventBusLoopback, TcpMasterPubPort)
        : EventBusEndpoints.InSocketDirectory(SockDir).Pub;

    /// <summary>The request server as a local client reaches it: wildcard bind addresses become loopback.</summary>
    public string MasterUri => RequestServerOptions.ForMaster(Interface, RetPort).Uri;

    // Salt compares ipc_mode to "tcp" exactly; any other value means Unix sockets.
    private bool UsesTcpEventBus => IpcMode == "tcp";

    private IPAddress EventBusLoopback => IPv6 == true ? IPAddress.IPv6Loopback : IPAddress.Loopback;
}

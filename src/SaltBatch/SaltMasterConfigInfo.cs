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
}

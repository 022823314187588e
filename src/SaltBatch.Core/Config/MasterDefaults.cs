namespace SaltBatch.Core.Config;

/// <summary>Salt's Linux defaults for the master options this module reads (salt/config/__init__.py).</summary>
internal static class MasterDefaults
{
    public const string ConfigFile = "/etc/salt/master";
    public const string DefaultInclude = "master.d/*.conf";
    public const string RootDir = "/";
    public const string CacheDir = "/var/cache/salt/master";
    public const string SockDir = "/var/run/salt/master";
    public const string HashType = "sha256";
    public const string Transport = "zeromq";
    public const int RetPort = 4506;
    public const string Interface = "0.0.0.0";
    public const string IpcMode = "ipc";
    public const int TcpMasterPubPort = 4512;
    public const int TcpMasterPullPort = 4513;
    public const int Timeout = 5;
    public const int GatherJobTimeout = 10;
    public const int RequestChannelTries = 3;
    public const string ExtJobCache = "";
    public const bool OrderMasters = false;
    public const int MaxEventSize = 1048576;

    /// <summary>DEFAULT_MASTER_OPTS' extension_modules: not derived from a changed cachedir, but re-rooted under root_dir.</summary>
    public const string ExtensionModules = "/var/cache/salt/master/extmods";

    /// <summary>file_roots' base environment (salt.syspaths BASE_FILE_ROOTS_DIR and SPM_FORMULA_PATH).</summary>
    public static readonly IReadOnlyList<string> FileRootsBase = ["/srv/salt", "/srv/spm/salt"];
}

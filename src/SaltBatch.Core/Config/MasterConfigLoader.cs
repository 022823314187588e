namespace SaltBatch.Core.Config;

/// <summary>Locates and reads the master configuration the way Salt's master_config does (section 6 of the reference).</summary>
public static class MasterConfigLoader
{
    public static MasterConfig Load(MasterConfigRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);

        var (path, namedBy) = ResolveMainPath(request);
        var found = File.Exists(path);
        if (!found && namedBy is not null)
        {
            throw new MasterConfigException(
                $"The master configuration file '{path}' (named by {namedBy}) does not exist. "
                + "Give the path of the master's config file or of the directory that holds 'master'.",
                path);
        }

        var filesRead = new List<string>();
        var warnings = new List<string>();
        var settings = new SettingsLayer();
        if (found)
        {
            settings = SettingsLayer.FromFile(path, YamlConfigReader.Read(path));
            filesRead.Add(path);
        }

        // Both lists come from the main file alone; included files cannot redirect them.
        var defaultInclude = settings.TryGet("default_include", out var value, out _) ? value : MasterDefaults.DefaultInclude;
        settings.TryGet("include", out var include, out _);
        var includes = new IncludeLoader(request.GetEnvironmentVariable("HOME"), filesRead, warnings);
        settings.OverlayShallow(includes.Load(defaultInclude, "default_include", path, warnIfUnmatched: false));
        settings.OverlayShallow(includes.Load(include, "include", path, warnIfUnmatched: true));

        return Build(request, path, found, filesRead, warnings, settings);
    }

    /// <returns>The main file, and what named it explicitly (null when it is a default that may be absent).</returns>
    private static (string Path, string? NamedBy) ResolveMainPath(MasterConfigRequest request)
    {
        if (!string.IsNullOrEmpty(request.ConfigPath))
        {
            var given = Path.GetFullPath(request.ConfigPath);
            return (Directory.Exists(given) ? Path.Join(given, "master") : given, "the config path argument");
        }

        var fromEnvironment = request.GetEnvironmentVariable("SALT_MASTER_CONFIG");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return (Path.GetFullPath(fromEnvironment), "SALT_MASTER_CONFIG");
        }

        var configDir = request.GetEnvironmentVariable("SALT_CONFIG_DIR");
        if (!string.IsNullOrEmpty(configDir))
        {
            var candidate = Path.GetFullPath(Path.Join(configDir, "master"));
            if (File.Exists(candidate))
            {
                return (candidate, null);
            }
        }

        return (Path.GetFullPath(request.DefaultConfigPath), null);
    }

    private static MasterConfig Build(
        MasterConfigRequest request,
        string path,
        bool found,
        List<string> filesRead,
        List<string> warnings,
        SettingsLayer settings)
    {
        var options = new OptionReader(settings);
        var rootDir = RootDirPrefix.Normalize(options.String("root_dir", MasterDefaults.RootDir));
        var cacheDir = string.IsNullOrEmpty(request.CacheDirOverride)
            ? RootDirPrefix.Apply(options.String("cachedir", MasterDefaults.CacheDir), rootDir)
            : Path.GetFullPath(request.CacheDirOverride);

        return new MasterConfig
        {
            ConfigFile = path,
            ConfigFileFound = found,
            ConfigFiles = filesRead.AsReadOnly(),
            Warnings = warnings.AsReadOnly(),
            Raw = settings.Values,
            RootDir = rootDir,
            CacheDir = cacheDir,
            SockDir = RootDirPrefix.Apply(options.String("sock_dir", MasterDefaults.SockDir), rootDir),
            HashType = options.String("hash_type", MasterDefaults.HashType).ToLowerInvariant(),
            User = options.String("user", request.CurrentUserName),
            Transport = options.String("transport", MasterDefaults.Transport),
            RetPort = options.Int("ret_port", MasterDefaults.RetPort, 1, ushort.MaxValue),
            Interface = options.String("interface", MasterDefaults.Interface),
            IPv6 = options.NullableBool("ipv6"),
            IpcMode = options.String("ipc_mode", MasterDefaults.IpcMode),
            TcpMasterPubPort = options.Int("tcp_master_pub_port", MasterDefaults.TcpMasterPubPort, 1, ushort.MaxValue),
            TcpMasterPullPort = options.Int("tcp_master_pull_port", MasterDefaults.TcpMasterPullPort, 1, ushort.MaxValue),
            Timeout = options.Int("timeout", MasterDefaults.Timeout, 0, int.MaxValue),
            GatherJobTimeout = options.Int("gather_job_timeout", MasterDefaults.GatherJobTimeout, 0, int.MaxValue),
            RequestChannelTries = options.Int("request_channel_tries", MasterDefaults.RequestChannelTries, 1, int.MaxValue),
            ExtJobCache = options.String("ext_job_cache", MasterDefaults.ExtJobCache, nullIsEmpty: true),
            OrderMasters = options.Bool("order_masters", MasterDefaults.OrderMasters),
            MaxEventSize = options.Int("max_event_size", MasterDefaults.MaxEventSize, 1, int.MaxValue),
            ExtensionModules = RootDirPrefix.Apply(options.String("extension_modules", MasterDefaults.ExtensionModules, nullIsEmpty: true) is { Length: > 0 } extmods ? extmods : MasterDefaults.ExtensionModules, rootDir),
            RunnerDirs = options.StringList("runner_dirs", []),
            FileRootsBase = options.RootsOf("file_roots", "base", MasterDefaults.FileRootsBase),
        };
    }
}

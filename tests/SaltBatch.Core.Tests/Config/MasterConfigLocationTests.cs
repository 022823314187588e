using SaltBatch.Core.Config;

namespace SaltBatch.Core.Tests.Config;

public sealed class MasterConfigLocationTests : IDisposable
{
    private readonly ConfigSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Fact]
    public void MissingDefaultFileGivesSaltDefaults()
    {
        var config = sandbox.Load();

        Assert.False(config.ConfigFileFound);
        Assert.Equal(sandbox.MainFile, config.ConfigFile);
        Assert.Empty(config.ConfigFiles);
        Assert.Equal("/", config.RootDir);
        Assert.Equal("/var/cache/salt/master", config.CacheDir);
        Assert.Equal("/var/run/salt/master", config.SockDir);
        Assert.Equal("sha256", config.HashType);
        Assert.Equal("tester", config.User);
        Assert.Equal("zeromq", config.Transport);
        Assert.Equal(4506, config.RetPort);
        Assert.Equal("0.0.0.0", config.Interface);
        Assert.Null(config.IPv6);
        Assert.Equal("ipc", config.IpcMode);
        Assert.Equal(4512, config.TcpMasterPubPort);
        Assert.Equal(4513, config.TcpMasterPullPort);
        Assert.Equal(5, config.Timeout);
        Assert.Equal(10, config.GatherJobTimeout);
        Assert.Equal(3, config.RequestChannelTries);
        Assert.Equal(string.Empty, config.ExtJobCache);
        Assert.False(config.OrderMasters);
        Assert.Equal(1048576, config.MaxEventSize);
        Assert.Equal("/var/cache/salt/master/jobs", config.JobsDir);
        Assert.Equal("/var/cache/salt/master/batch_active.p", config.ActiveIndexPath);
        Assert.Equal("/var/run/salt/master/publish_pull.ipc", config.PublishPullPath);
    }

    [Fact]
    public void ExistingDefaultFileIsReadAndReported()
    {
        var config = sandbox.LoadMain("user: salt\nret_port: 4606\n");

        Assert.True(config.ConfigFileFound);
        Assert.Equal([sandbox.MainFile], config.ConfigFiles);
        Assert.Equal("salt", config.User);
        Assert.Equal(4606, config.RetPort);
        Assert.Equal("salt", config.Raw["user"]);
    }

    [Fact]
    public void MissingExplicitFileIsAnErrorNamingThePath()
    {
        var missing = Path.Join(sandbox.Root, "nowhere", "master");

        var error = Assert.Throws<MasterConfigException>(() => sandbox.Load(configPath: missing));

        Assert.Equal(missing, error.FilePath);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DirectoryGivenAsConfigPathMeansItsMasterFile()
    {
        var file = sandbox.Write("alt/master", "user: fromdir\n");

        var config = sandbox.Load(configPath: Path.Join(sandbox.Root, "alt"));

        Assert.Equal(file, config.ConfigFile);
        Assert.Equal("fromdir", config.User);
    }

    [Fact]
    public void SaltMasterConfigVariableBeatsTheDefaultFile()
    {
        sandbox.WriteMain("user: default\n");
        var envFile = sandbox.Write("env/master.yml", "user: fromenv\n");
        sandbox.SetEnvironment("SALT_MASTER_CONFIG", envFile);

        var config = sandbox.Load();

        Assert.Equal(envFile, config.ConfigFile);
        Assert.Equal("fromenv", config.User);
    }

    [Fact]
    public void MissingFileNamedBySaltMasterConfigIsAnError()
    {
        var missing = Path.Join(sandbox.Root, "env", "absent");
        sandbox.SetEnvironment("SALT_MASTER_CONFIG", missing);

        var error = Assert.Throws<MasterConfigException>(() => sandbox.Load());

        Assert.Contains("SALT_MASTER_CONFIG", error.Message, StringComparison.Ordinal);
        Assert.Equal(missing, error.FilePath);
    }

    [Fact]
    public void ExplicitPathBeatsBothEnvironmentVariables()
    {
        var explicitFile = sandbox.Write("explicit/master", "user: explicit\n");
        sandbox.SetEnvironment("SALT_MASTER_CONFIG", sandbox.Write("env/master", "user: fromenv\n"));
        sandbox.SetEnvironment("SALT_CONFIG_DIR", Path.GetDirectoryName(sandbox.Write("dir/master", "user: fromdir\n"))!);

        var config = sandbox.Load(configPath: explicitFile);

        Assert.Equal("explicit", config.User);
    }

    [Fact]
    public void SaltConfigDirIsUsedWhenItHoldsAMasterFile()
    {
        sandbox.WriteMain("user: default\n");
        var dirFile = sandbox.Write("dir/master", "user: fromdir\n");
        sandbox.SetEnvironment("SALT_CONFIG_DIR", Path.Join(sandbox.Root, "dir"));

        var config = sandbox.Load();

        Assert.Equal(dirFile, config.ConfigFile);
        Assert.Equal("fromdir", config.User);
    }

    [Fact]
    public void SaltConfigDirWithoutAMasterFileFallsBackToTheDefault()
    {
        sandbox.WriteMain("user: default\n");
        Directory.CreateDirectory(Path.Join(sandbox.Root, "emptydir"));
        sandbox.SetEnvironment("SALT_CONFIG_DIR", Path.Join(sandbox.Root, "emptydir"));

        var config = sandbox.Load();

        Assert.Equal(sandbox.MainFile, config.ConfigFile);
        Assert.Equal("default", config.User);
    }

    [Fact]
    public void SaltMasterConfigBeatsSaltConfigDir()
    {
        var envFile = sandbox.Write("env/master", "user: fromenv\n");
        sandbox.Write("dir/master", "user: fromdir\n");
        sandbox.SetEnvironment("SALT_MASTER_CONFIG", envFile);
        sandbox.SetEnvironment("SALT_CONFIG_DIR", Path.Join(sandbox.Root, "dir"));

        Assert.Equal("fromenv", sandbox.Load().User);
    }

    [Fact]
    public void CacheDirOverrideIsTakenAsGivenEvenUnderARootDir()
    {
        sandbox.WriteMain("root_dir: /srv/saltroot\ncachedir: /var/cache/elsewhere\n");
        var cache = Path.Join(sandbox.Root, "cache");

        var config = sandbox.Load(cacheDirOverride: cache);

        Assert.Equal(cache, config.CacheDir);
        Assert.Equal(Path.Join(cache, "jobs"), config.JobsDir);
        Assert.Equal("/srv/saltroot/var/run/salt/master", config.SockDir);
    }

    [Fact]
    public void RelativeCacheDirOverrideIsMadeAbsolute()
    {
        var config = sandbox.Load(cacheDirOverride: "relative-cache");

        Assert.True(Path.IsPathRooted(config.CacheDir));
        Assert.Equal(Path.GetFullPath("relative-cache"), config.CacheDir);
    }
}

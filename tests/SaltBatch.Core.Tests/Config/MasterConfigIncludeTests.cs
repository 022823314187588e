using SaltBatch.Core.Config;

namespace SaltBatch.Core.Tests.Config;

public sealed class MasterConfigIncludeTests : IDisposable
{
    private readonly ConfigSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Fact]
    public void MasterDFilesAreReadInSortedOrderAndTheLaterOneWins()
    {
        sandbox.Write("etc/salt/master.d/20-late.conf", "user: late\n");
        sandbox.Write("etc/salt/master.d/10-early.conf", "user: early\ntimeout: 9\n");
        sandbox.Write("etc/salt/master.d/notes.txt", "user: ignored\n");

        var config = sandbox.LoadMain("");

        Assert.Equal("late", config.User);
        Assert.Equal(9, config.Timeout);
        Assert.Equal(
            [sandbox.MainFile, Path.Join(sandbox.ConfigDir, "master.d", "10-early.conf"), Path.Join(sandbox.ConfigDir, "master.d", "20-late.conf")],
            config.ConfigFiles);
    }

    [Fact]
    public void MasterDIsReadEvenWithoutAMainFile()
    {
        sandbox.Write("etc/salt/master.d/cache.conf", "cachedir: /srv/cache\n");

        var config = sandbox.Load();

        Assert.False(config.ConfigFileFound);
        Assert.Equal("/srv/cache", config.CacheDir);
    }

    [Fact]
    public void HiddenFilesDoNotMatchTheWildcard()
    {
        sandbox.Write("etc/salt/master.d/.hidden.conf", "user: hidden\n");

        Assert.Equal("tester", sandbox.LoadMain("").User);
    }

    [Fact]
    public void IncludedFilesMergeNestedMappingsAndLists()
    {
        sandbox.Write("etc/salt/master.d/a.conf", "publisher_acl:\n  alice: [test.ping]\nfile_roots:\n  base: [/srv/a]\n");
        sandbox.Write("etc/salt/master.d/b.conf", "publisher_acl:\n  bob: [test.*]\nfile_roots:\n  base: [/srv/b, /srv/a]\n");

        var config = sandbox.LoadMain("");

        var acl = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(config.Raw["publisher_acl"]);
        Assert.Equal(["alice", "bob"], acl.Keys);
        var roots = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(config.Raw["file_roots"]);
        Assert.Equal(["/srv/a", "/srv/b"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(roots["base"]));
    }

    [Fact]
    public void IncludedValuesReplaceTheMainFilesValuesWhole()
    {
        sandbox.Write("etc/salt/master.d/acl.conf", "publisher_acl:\n  bob: [test.*]\n");

        var config = sandbox.LoadMain("user: main\ntimeout: 7\npublisher_acl:\n  alice: [test.ping]\n");

        var acl = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(config.Raw["publisher_acl"]);
        Assert.Equal(["bob"], acl.Keys);
        Assert.Equal(7, config.Timeout);
    }

    [Fact]
    public void IncludeAsASingleStringIsRelativeToTheMainFile()
    {
        sandbox.Write("etc/salt/extra/ports.yml", "ret_port: 5506\n");

        var config = sandbox.LoadMain("include: extra/ports.yml\n");

        Assert.Equal(5506, config.RetPort);
    }

    [Fact]
    public void IncludeAsAListIsAppliedInOrderAfterMasterD()
    {
        sandbox.Write("etc/salt/master.d/x.conf", "user: fromd\ntimeout: 1\n");
        sandbox.Write("etc/salt/one.yml", "user: one\ngather_job_timeout: 20\n");
        sandbox.Write("etc/salt/two.yml", "user: two\n");

        var config = sandbox.LoadMain("include:\n  - one.yml\n  - two.yml\n");

        Assert.Equal("two", config.User);
        Assert.Equal(20, config.GatherJobTimeout);
        Assert.Equal(1, config.Timeout);
    }

    [Fact]
    public void RelativeIncludesFollowAConfigDirectoryGivenExplicitly()
    {
        sandbox.Write("alt/master.d/user.conf", "user: alt\n");
        sandbox.Write("etc/salt/master.d/user.conf", "user: etc\n");
        sandbox.Write("alt/master", "");

        var config = sandbox.Load(configPath: Path.Join(sandbox.Root, "alt"));

        Assert.Equal("alt", config.User);
    }

    [Fact]
    public void TildeInAnIncludeIsTheHomeDirectory()
    {
        sandbox.SetEnvironment("HOME", Path.Join(sandbox.Root, "home"));
        sandbox.Write("home/salt.conf", "user: homeuser\n");

        Assert.Equal("homeuser", sandbox.LoadMain("include: ~/salt.conf\n").User);
    }

    [Fact]
    public void IncludedFilesMayIncludeMoreRelativeToThemselves()
    {
        sandbox.Write("etc/salt/master.d/a.conf", "include: nested/*.yml\nuser: a\n");
        sandbox.Write("etc/salt/master.d/nested/n.yml", "user: nested\nret_port: 4999\n");

        var config = sandbox.LoadMain("");

        Assert.Equal("nested", config.User);
        Assert.Equal(4999, config.RetPort);
        Assert.Contains(Path.Join(sandbox.ConfigDir, "master.d", "nested", "n.yml"), config.ConfigFiles);
    }

    [Fact]
    public void DefaultIncludeCanBeRedirectedByTheMainFile()
    {
        sandbox.Write("etc/salt/master.d/user.conf", "user: masterd\n");
        sandbox.Write("etc/salt/conf.d/user.conf", "user: confd\n");

        Assert.Equal("confd", sandbox.LoadMain("default_include: conf.d/*.conf\n").User);
    }

    [Fact]
    public void AnIncludeCycleIsReportedInsteadOfLoopingForever()
    {
        sandbox.Write("etc/salt/master.d/a.conf", "include: b.yml\n");
        sandbox.Write("etc/salt/master.d/b.yml", "include: a.conf\n");

        var error = Assert.Throws<MasterConfigException>(() => sandbox.LoadMain(""));

        Assert.Contains("includes itself", error.Message, StringComparison.Ordinal);
        Assert.Contains("a.conf -> ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIncludeMatchingNothingIsAWarningNotAnError()
    {
        var config = sandbox.LoadMain("include: missing/*.conf\n");

        var warning = Assert.Single(config.Warnings);
        Assert.Contains("matches no files", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void ABrokenIncludedFileIsSkippedWithAWarningAsTheMasterDoes()
    {
        sandbox.Write("etc/salt/master.d/broken.conf", "user: [unclosed\n");
        sandbox.Write("etc/salt/master.d/good.conf", "timeout: 8\n");

        var config = sandbox.LoadMain("");

        Assert.Equal(8, config.Timeout);
        Assert.Equal("tester", config.User);
        Assert.Contains("broken.conf", Assert.Single(config.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void BadOptionInAnIncludedFileNamesThatFile()
    {
        var conf = sandbox.Write("etc/salt/master.d/ports.conf", "ret_port: abc\n");

        var error = Assert.Throws<MasterConfigException>(() => sandbox.LoadMain("ret_port: 4506\n"));

        Assert.Equal(conf, error.FilePath);
    }
}

namespace SaltBatch.Core.Tests.Config;

public sealed class MasterConfigRootDirTests : IDisposable
{
    private readonly ConfigSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Fact]
    public void DefaultCacheDirMovesUnderRootDir()
    {
        var config = sandbox.LoadMain("root_dir: /srv/saltroot\n");

        Assert.Equal("/srv/saltroot", config.RootDir);
        Assert.Equal("/srv/saltroot/var/cache/salt/master", config.CacheDir);
        Assert.Equal("/srv/saltroot/var/run/salt/master", config.SockDir);
        Assert.Equal("/srv/saltroot/var/cache/salt/master/jobs", config.JobsDir);
    }

    [Fact]
    public void RelativeCacheDirIsJoinedToRootDir()
    {
        Assert.Equal("/srv/saltroot/cache", sandbox.LoadMain("root_dir: /srv/saltroot\ncachedir: cache\n").CacheDir);
    }

    [Fact]
    public void CacheDirAlreadyUnderRootDirStaysAsIs()
    {
        var config = sandbox.LoadMain("root_dir: /srv/saltroot/\ncachedir: /srv/saltroot/cache\n");

        Assert.Equal("/srv/saltroot/cache", config.CacheDir);
    }

    [Fact]
    public void OtherAbsoluteCacheDirIsStillPrefixedLikeSaltDoes()
    {
        Assert.Equal("/srv/r/var/cache/x", sandbox.LoadMain("root_dir: /srv/r\ncachedir: /var/cache/x\n").CacheDir);
    }

    [Fact]
    public void WithTheDefaultRootAbsolutePathsAreUnchangedAndRelativeOnesHangOffSlash()
    {
        var config = sandbox.LoadMain("cachedir: /opt/salt/cache\nsock_dir: run/salt\n");

        Assert.Equal("/opt/salt/cache", config.CacheDir);
        Assert.Equal("/run/salt", config.SockDir);
    }
}

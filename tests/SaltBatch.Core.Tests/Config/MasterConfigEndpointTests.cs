using SaltBatch.Core.Config;

namespace SaltBatch.Core.Tests.Config;

public sealed class MasterConfigEndpointTests : IDisposable
{
    private readonly ConfigSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Theory]
    [InlineData("", "tcp://127.0.0.1:4506")]
    [InlineData("interface: 0.0.0.0\n", "tcp://127.0.0.1:4506")]
    [InlineData("interface: 10.1.2.3\nret_port: 5000\n", "tcp://10.1.2.3:5000")]
    [InlineData("interface: '::'\n", "tcp://[::1]:4506")]
    [InlineData("interface: '::1'\n", "tcp://[::1]:4506")]
    [InlineData("interface: 'fd00::5'\n", "tcp://[fd00::5]:4506")]
    [InlineData("interface: salt.example.com\n", "tcp://salt.example.com:4506")]
    public void MasterUriUsesALocallyReachableAddress(string yaml, string expected)
    {
        Assert.Equal(expected, sandbox.LoadMain(yaml).MasterUri);
    }

    [Fact]
    public void IpcModeUsesUnixSocketsInSockDir()
    {
        var config = sandbox.LoadMain("sock_dir: /run/salt/master\n");

        Assert.True(config.EventPullEndpoint.IsUnix);
        Assert.Equal("/run/salt/master/master_event_pull.ipc", config.EventPullEndpoint.SocketPath);
        Assert.Equal("unix:/run/salt/master/master_event_pull.ipc", config.EventPullEndpoint.ToString());
        Assert.Equal("unix:/run/salt/master/master_event_pub.ipc", config.EventPubEndpoint.ToString());
        Assert.Equal("/run/salt/master/publish_pull.ipc", config.PublishPullPath);
    }

    [Fact]
    public void TcpModeUsesLoopbackPorts()
    {
        var config = sandbox.LoadMain("ipc_mode: tcp\ntcp_master_pull_port: 5513\n");

        Assert.False(config.EventPullEndpoint.IsUnix);
        Assert.Equal("127.0.0.1", config.EventPullEndpoint.Host?.ToString());
        Assert.Equal(5513, config.EventPullEndpoint.Port);
        Assert.Equal("tcp://127.0.0.1:5513", config.EventPullEndpoint.ToString());
        Assert.Equal("tcp://127.0.0.1:4512", config.EventPubEndpoint.ToString());
    }

    [Fact]
    public void TcpModeWithIpv6UsesTheIpv6Loopback()
    {
        var config = sandbox.LoadMain("ipc_mode: tcp\nipv6: true\n");

        Assert.Equal("::1", config.EventPubEndpoint.Host?.ToString());
        Assert.Equal("tcp://[::1]:4513", config.EventPullEndpoint.ToString());
    }

    [Fact]
    public void Ipv6AloneDoesNotMoveTheEventBusOffUnixSockets()
    {
        Assert.True(sandbox.LoadMain("ipv6: true\n").EventPullEndpoint.IsUnix);
    }
}

using SaltBatch.Core.Config;

namespace SaltBatch.Core.Tests.Config;

public sealed class MasterConfigValueTests : IDisposable
{
    private readonly ConfigSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Fact]
    public void HashTypeIsLowerCased()
    {
        Assert.Equal("sha512", sandbox.LoadMain("hash_type: SHA512\n").HashType);
    }

    [Fact]
    public void NumericStringsAreAcceptedForPortsAndTimeouts()
    {
        var config = sandbox.LoadMain("ret_port: '4606'\ntimeout: \" 12 \"\n");

        Assert.Equal(4606, config.RetPort);
        Assert.Equal(12, config.Timeout);
    }

    [Fact]
    public void NonNumericPortNamesTheKeyTheFileAndTheValue()
    {
        var error = Assert.Throws<MasterConfigException>(() => sandbox.LoadMain("ret_port: abc\n"));

        Assert.Equal(sandbox.MainFile, error.FilePath);
        Assert.Contains("'ret_port'", error.Message, StringComparison.Ordinal);
        Assert.Contains(sandbox.MainFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("'abc'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ret_port: 70000")]
    [InlineData("tcp_master_pull_port: 0")]
    [InlineData("timeout: yes")]
    [InlineData("timeout: 2.5")]
    [InlineData("request_channel_tries: 0")]
    [InlineData("cachedir: [a, b]")]
    [InlineData("user: ~")]
    [InlineData("order_masters: maybe")]
    [InlineData("ipv6: 1")]
    public void ValuesOfTheWrongTypeOrRangeAreRejectedByName(string line)
    {
        var key = line[..line.IndexOf(':', StringComparison.Ordinal)];

        var error = Assert.Throws<MasterConfigException>(() => sandbox.LoadMain(line + "\n"));

        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NumericUserIsTakenAsText()
    {
        Assert.Equal("1000", sandbox.LoadMain("user: 1000\n").User);
    }

    [Fact]
    public void EmptyExtJobCacheMeansNone()
    {
        Assert.Equal(string.Empty, sandbox.LoadMain("ext_job_cache:\n").ExtJobCache);
    }

    [Fact]
    public void PublishRelatedOptionsAreRead()
    {
        var config = sandbox.LoadMain(
            "transport: tcp\next_job_cache: redis\norder_masters: True\nrequest_channel_tries: 5\nmax_event_size: 2048\n");

        Assert.Equal("tcp", config.Transport);
        Assert.Equal("redis", config.ExtJobCache);
        Assert.True(config.OrderMasters);
        Assert.Equal(5, config.RequestChannelTries);
        Assert.Equal(2048, config.MaxEventSize);
    }
}

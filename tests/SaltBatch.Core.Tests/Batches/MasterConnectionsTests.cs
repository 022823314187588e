using NetMQ;
using NetMQ.Sockets;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Publish;
using SaltBatch.Core.Tests.Config;
using SaltBatch.Core.Tests.Publish;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Batches;

/// <summary>What the master config changes in what is sent to the master: ext_job_cache, order_masters, max_event_size.</summary>
public sealed class MasterConnectionsTests : IDisposable
{
    private readonly ConfigSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Ext_job_cache_and_order_masters_go_into_every_publish_as_ret_and_to()
    {
        using var server = new ResponseSocket();
        var port = server.BindRandomPort("tcp://127.0.0.1");
        var serving = Blocking.Run(() =>
        {
            var request = server.ReceiveFrameBytes();
            server.SendFrame(PayloadWriter.Pack(
                new PayloadMap { { "enc", "clear" }, { "load", new PayloadMap { { "jid", "20261203080000000001" }, { "minions", new[] { "m1" } }, { "missing", Array.Empty<string>() } } } },
                useBinType: false));
            return request;
        });
        var config = _sandbox.LoadMain($"interface: 127.0.0.1\nret_port: {port}\nipc_mode: tcp\ntimeout: 7\next_job_cache: redis\norder_masters: True\n");
        var (client, _) = MasterConnections.Publisher(config);

        await client.PublishAsync(PublishRequest.KillJob(["m1"], "20261203070000000000"), PublishEnvelopeTests.RootCredentials());

        var load = (PayloadMap)((PayloadMap)PayloadReader.ReadDocument(await serving.WaitAsync(TimeSpan.FromSeconds(10)), TextDecoding.FileSemantics)!).Get("load")!;
        Assert.Equal("redis", load.Get("ret"));
        Assert.Equal(7L, load.Get("to"));
    }

    [Fact]
    public void Without_them_ret_is_empty_and_to_is_absent()
    {
        var config = _sandbox.LoadMain("ipc_mode: tcp\n");
        var (client, _) = MasterConnections.Publisher(config);

        Assert.Equal(string.Empty, client.ExtJobCache);
        Assert.Null(client.OrderMastersTimeout);
    }

    [Fact]
    public async Task An_event_larger_than_the_masters_max_event_size_is_refused_before_it_is_sent()
    {
        var config = _sandbox.LoadMain("max_event_size: 2048\nipc_mode: tcp\n");

        var error = await Assert.ThrowsAsync<SaltBatchException>(() =>
            MasterConnections.Bus(config).FireAsync("salt/batch/20261203070000000000/new", new PayloadMap { { "tgt", new string('m', 4096) } }, PullFraming.Prefixed));

        Assert.Equal(SaltFailureKind.InvalidArgument, error.Kind);
        Assert.Contains("max_event_size (2048)", error.Message);
    }
}

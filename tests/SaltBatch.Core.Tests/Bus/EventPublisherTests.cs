using System.Buffers.Binary;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Bus;

/// <summary>Firing into a listener that stands in for the master's pull socket.</summary>
public sealed class EventPublisherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(PullFraming.Prefixed)]
    [InlineData(PullFraming.Bare)]
    public async Task FiresOneFramedEventAndCloses(PullFraming framing)
    {
        using var directory = new TempDirectory();
        using var listener = new UnixListener(directory.File("master_event_pull.ipc"));
        var publisher = new EventPublisher(MasterEndpoint.Unix(listener.Path), clock: FixedClock.WorkedExample);

        var accepted = listener.AcceptAsync(Patience);
        await publisher.FireAsync("salt/batch/1/stop", new PayloadMap { { "jid", "1" }, { "reason", "stop" } }, framing, stampWithOffset: true);
        using var connection = await accepted;
        var wire = await connection.ReadToEndAsync(Patience);

        var frame = framing == PullFraming.Prefixed ? wire[EventCodec.LengthPrefixSize..] : wire;
        if (framing == PullFraming.Prefixed)
        {
            Assert.Equal((uint)frame.Length, BinaryPrimitives.ReadUInt32BigEndian(wire));
        }

        var masterEvent = EventCodec.DecodeEvent(EventCodec.UnwrapFrame(PayloadReader.ReadDocument(frame, TextDecoding.EventSemantics))!);
        Assert.Equal("salt/batch/1/stop", masterEvent.Tag);
        Assert.Equal(["jid", "reason", "_stamp"], masterEvent.Data.Keys);
        Assert.Equal("2026-01-02T03:04:05.678901+00:00", masterEvent.Data.Get("_stamp"));
    }

    [Fact]
    public async Task AMissingSocketFileMeansTheMasterIsUnreachable()
    {
        using var directory = new TempDirectory();
        var path = directory.File("master_event_pull.ipc");
        var publisher = new EventPublisher(MasterEndpoint.Unix(path));

        var error = await Assert.ThrowsAsync<SaltBatchException>(() =>
            publisher.FireAsync("t", new PayloadMap(), PullFraming.Bare, false));

        Assert.Equal(SaltFailureKind.MasterUnreachable, error.Kind);
        Assert.Contains(path, error.Message);
        Assert.Contains("is the salt-master running?", error.Message);
    }

    [Fact]
    public async Task ASocketFileNobodyListensOnMeansTheMasterIsUnreachable()
    {
        using var directory = new TempDirectory();
        var path = directory.File("master_event_pull.ipc");
        new UnixListener(path).Dispose();
        using (File.Create(path))
        {
        }

        var error = await Assert.ThrowsAsync<SaltBatchException>(() =>
            new EventPublisher(MasterEndpoint.Unix(path)).FireAsync("t", new PayloadMap(), PullFraming.Bare, false));

        Assert.Equal(SaltFailureKind.MasterUnreachable, error.Kind);
        Assert.Equal("unix:" + path, error.Target);
    }

    [Fact]
    public async Task AClosedTcpPortMeansTheMasterIsUnreachable()
    {
        var port = FreeTcpPort.Find();
        var endpoint = MasterEndpoint.Tcp(System.Net.IPAddress.Loopback, port);

        var error = await Assert.ThrowsAsync<SaltBatchException>(() =>
            new EventPublisher(endpoint).FireAsync("t", new PayloadMap(), PullFraming.Bare, false));

        Assert.Equal(SaltFailureKind.MasterUnreachable, error.Kind);
        Assert.Contains($"tcp://127.0.0.1:{port}", error.Message);
    }
}

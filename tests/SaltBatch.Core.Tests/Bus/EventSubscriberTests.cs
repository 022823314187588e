using System.Net.Sockets;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Bus;

/// <summary>Reading the pub stream from a listener that plays the master's publisher.</summary>
public sealed class EventSubscriberTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly TempDirectory _directory = new();
    private readonly UnixListener _publisher;

    public EventSubscriberTests() => _publisher = new UnixListener(_directory.File("master_event_pub.ipc"));

    public void Dispose()
    {
        _publisher.Dispose();
        _directory.Dispose();
    }

    private static byte[] Frame(string tag, string value) =>
        EventCodec.WrapFrame(EventCodec.PackEvent(tag, new PayloadMap { { "value", value } }));

    private async Task<(EventSubscriber Subscriber, Socket Connection)> ConnectAsync(EventBusSettings? settings = null)
    {
        var accepted = _publisher.AcceptAsync(Patience);
        var subscriber = await EventSubscriber.ConnectAsync(MasterEndpoint.Unix(_publisher.Path), settings);
        return (subscriber, await accepted);
    }

    [Fact]
    public async Task FramesSplitByteByByteAreReassembled()
    {
        var (subscriber, connection) = await ConnectAsync();
        await using var _ = subscriber;
        using var __ = connection;

        foreach (var single in Frame("salt/batch/1/progress", "split"))
        {
            await connection.SendAsync(new[] { single }, SocketFlags.None);
        }

        var masterEvent = await subscriber.WaitForAsync(e => e.Tag.StartsWith("salt/batch/1/", StringComparison.Ordinal), Patience);
        Assert.NotNull(masterEvent);
        Assert.Equal("split", masterEvent.Data.Get("value"));
    }

    [Fact]
    public async Task BackToBackFramesInOneWriteAreAllDelivered()
    {
        var (subscriber, connection) = await ConnectAsync();
        await using var _ = subscriber;
        using var __ = connection;

        await connection.SendAsync(Frame("a", "1").Concat(Frame("b", "2")).Concat(Frame("c", "3")).ToArray(), SocketFlags.None);

        var tags = new List<string>();
        await foreach (var masterEvent in subscriber.ReadAllAsync(new CancellationTokenSource(Patience).Token))
        {
            tags.Add(masterEvent.Tag);
            if (tags.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(["a", "b", "c"], tags);
    }

    [Fact]
    public async Task FramesThatAreNotEventsAreSkipped()
    {
        var (subscriber, connection) = await ConnectAsync();
        await using var _ = subscriber;
        using var __ = connection;

        var noTagEnd = EventCodec.WrapFrame("no separator here"u8.ToArray());
        var notAFrame = PayloadWriter.Pack(42, useBinType: true);
        await connection.SendAsync(noTagEnd.Concat(notAFrame).Concat(Frame("good", "yes")).ToArray(), SocketFlags.None);

        var masterEvent = await subscriber.WaitForAsync(_ => true, Patience);
        Assert.Equal("good", masterEvent?.Tag);
        Assert.Equal(2, subscriber.SkippedFrameCount);
    }

    [Fact]
    public async Task AnOversizedFrameIsRejectedAndTheStreamReconnects()
    {
        var (subscriber, connection) = await ConnectAsync(new EventBusSettings { MaxIncomingFrameSize = 1024 });
        await using var _ = subscriber;
        var reconnected = _publisher.AcceptAsync(Patience);

        // {"head": {}, "body": bin32 claiming 4 GB}: must be a format error, not an allocation.
        await connection.SendAsync(Hex.Parse("82 a4 68 65 61 64 80 a4 62 6f 64 79 c6 ff ff ff f0 00 00"), SocketFlags.None);
        using var second = await reconnected;
        connection.Dispose();
        await second.SendAsync(Frame("after", "reconnect"), SocketFlags.None);

        var masterEvent = await subscriber.WaitForAsync(e => e.Tag == "after", Patience);
        Assert.NotNull(masterEvent);
        Assert.Equal(1, subscriber.ReconnectCount);
    }

    [Fact]
    public async Task WaitingEndsAtTheDeadline()
    {
        var (subscriber, connection) = await ConnectAsync();
        await using var _ = subscriber;
        using var __ = connection;

        var started = DateTime.UtcNow;
        var masterEvent = await subscriber.WaitForAsync(_ => true, TimeSpan.FromMilliseconds(200));

        Assert.Null(masterEvent);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(150), Patience);
    }

    [Fact]
    public async Task DisposingStopsTheBackgroundReader()
    {
        var (subscriber, connection) = await ConnectAsync();
        using var _ = connection;

        await subscriber.DisposeAsync().AsTask().WaitAsync(Patience);

        Assert.Null(await subscriber.WaitForAsync(_ => true, TimeSpan.FromMilliseconds(50)));
    }
}

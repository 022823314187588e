using System.Net.Sockets;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Bus;

/// <summary>
/// The master restarts under a listening subscriber: its publisher goes away and a new one binds the same socket
/// path. The subscriber must find the new publisher by itself and deliver what it publishes.
/// </summary>
public sealed class EventSubscriberRestartTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static byte[] Frame(string tag) =>
        EventCodec.WrapFrame(EventCodec.PackEvent(tag, new PayloadMap { { "jid", "20240610120000000000" } }));

    [Fact]
    public async Task ASubscriberReconnectsToARestartedMasterAndReceivesItsLaterEvents()
    {
        var path = _directory.File("master_event_pub.ipc");
        var firstMaster = new UnixListener(path);
        var accepted = firstMaster.AcceptAsync(Patience);
        await using var subscriber = await EventSubscriber.ConnectAsync(MasterEndpoint.Unix(path));
        using (var connection = await accepted)
        {
            await connection.SendAsync(Frame("before/restart"), SocketFlags.None);
            Assert.NotNull(await subscriber.WaitForAsync(e => e.Tag == "before/restart", Patience));
        }

        // Down: the socket file is gone, so reconnect attempts fail and back off until the new master is up.
        firstMaster.Dispose();
        await Task.Delay(300);
        using var secondMaster = new UnixListener(path);
        using var second = await secondMaster.AcceptAsync(Patience);
        await second.SendAsync(Frame("after/restart"), SocketFlags.None);

        var masterEvent = await subscriber.WaitForAsync(e => e.Tag == "after/restart", Patience);
        Assert.NotNull(masterEvent);
        Assert.Equal(1, subscriber.ReconnectCount);
    }

    [Fact]
    public async Task AReconnectThatLandsWhileTheSubscriberIsDisposedLeavesNoConnectionOpen()
    {
        var path = _directory.File("master_event_pub.ipc");
        using var master = new UnixListener(path);
        var connects = 0;
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var disposeHasBegun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<Socket> Connect(MasterEndpoint endpoint, TimeSpan timeout, CancellationToken stopping)
        {
            if (Interlocked.Increment(ref connects) == 1)
            {
                return SocketConnector.ConnectAsync(endpoint, timeout, stopping);
            }

            // The reconnect completes only once the dispose has cancelled and closed what it knew of: its connection
            // arrives in exactly the window a leak lived in.
            reconnecting.TrySetResult();
            disposeHasBegun.Task.Wait(Patience);
            return SocketConnector.ConnectAsync(endpoint, timeout, CancellationToken.None);
        }

        var accepted = master.AcceptAsync(Patience);
        var subscriber = await EventSubscriber.ConnectAsync(MasterEndpoint.Unix(path), new EventBusSettings(), Connect, CancellationToken.None);
        (await accepted).Dispose();
        await reconnecting.Task.WaitAsync(Patience);
        var late = master.AcceptAsync(Patience);

        // DisposeAsync runs up to its wait for the pump, which is held in the reconnect, before it returns.
        var disposing = subscriber.DisposeAsync();
        disposeHasBegun.SetResult();
        await disposing;

        using var lateConnection = await late;
        var read = await lateConnection.ReceiveAsync(new byte[1], SocketFlags.None).WaitAsync(Patience);
        Assert.Equal(0, read);
        Assert.Equal(2, connects);
    }

    [Fact]
    public async Task AnOversizedFrameCostsOnlyItsConnectionAndLaterEventsArrive()
    {
        var path = _directory.File("master_event_pub.ipc");
        using var master = new UnixListener(path);
        var accepted = master.AcceptAsync(Patience);
        await using var subscriber = await EventSubscriber.ConnectAsync(MasterEndpoint.Unix(path), new EventBusSettings { MaxIncomingFrameSize = 4096 });
        using var first = await accepted;
        var oversized = EventCodec.WrapFrame(EventCodec.PackEvent("too/big", new PayloadMap { { "blob", new byte[8192] } }));
        await first.SendAsync(Frame("good/1").Concat(oversized).Concat(Frame("lost/with/connection")).ToArray(), SocketFlags.None);
        Assert.NotNull(await subscriber.WaitForAsync(e => e.Tag == "good/1", Patience));

        // The subscriber drops the desynchronised stream and connects again; the listener's backlog holds that.
        using var second = await master.AcceptAsync(Patience);
        await second.SendAsync(Frame("good/2"), SocketFlags.None);

        var tags = new List<string>();
        var after = await subscriber.WaitForAsync(e => { tags.Add(e.Tag); return e.Tag == "good/2"; }, Patience);
        Assert.NotNull(after);
        Assert.DoesNotContain("too/big", tags);
    }
}

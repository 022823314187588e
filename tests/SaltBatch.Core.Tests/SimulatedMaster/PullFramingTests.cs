using SaltBatch.Core.Bus;
using SaltBatch.TestKit.SimulatedMaster;

namespace SaltBatch.Core.Tests.SimulatedMaster;

public sealed class PullFramingTests
{
    [Theory]
    [InlineData(PullFraming.Prefixed, PullFraming.Bare)]
    [InlineData(PullFraming.Bare, PullFraming.Prefixed)]
    public void A_frame_in_the_wrong_framing_is_dropped_and_the_master_keeps_serving(PullFraming masterFraming, PullFraming wrongFraming)
    {
        using var bed = new MasterTestBed(options => options with { PullFraming = masterFraming });
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());

        using (var wrong = bed.ConnectPull())
        {
            wrong.Send(EventCodec.FrameForPull(EventCodec.PackEvent($"salt/batch/{MasterTestBed.Jid}/stop", MasterTestBed.StopData()), wrongFraming));
            var error = bed.WaitFor(JournalKinds.ProtocolError);
            Assert.Contains("connection dropped", error.Text("detail"));

            Assert.True(HungUp(wrong), "the master kept the connection open");
        }

        Assert.Empty(bed.Journal.OfKind(JournalKinds.EventReceived));
        Assert.Equal(false, bed.Master.ReadBatch(MasterTestBed.Jid)!.Get("halted"));

        bed.FireStop(masterFraming);

        Assert.Equal("halted", bed.WaitFor(JournalKinds.StopHandled).Text("action"));
        Assert.Single(bed.Journal.OfKind(JournalKinds.ProtocolError));
    }

    /// <summary>An orderly close reads as 0 bytes; a close with our bytes still unread arrives as a reset.</summary>
    private static bool HungUp(System.Net.Sockets.Socket socket)
    {
        socket.ReceiveTimeout = (int)MasterTestBed.Deadline.TotalMilliseconds;
        try
        {
            return socket.Receive(new byte[1]) == 0;
        }
        catch (System.Net.Sockets.SocketException error) when (error.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionReset)
        {
            return true;
        }
    }

    [Theory]
    [InlineData(PullFraming.Prefixed)]
    [InlineData(PullFraming.Bare)]
    public void Several_frames_on_one_connection_are_all_read(PullFraming framing)
    {
        using var bed = new MasterTestBed(options => options with { PullFraming = framing });

        using (var pull = bed.ConnectPull())
        {
            foreach (var i in Enumerable.Range(0, 3))
            {
                pull.Send(EventCodec.FrameForPull(EventCodec.PackEvent($"test/event/{i}", new() { { "n", i } }), framing));
            }
        }

        bed.WaitFor(JournalKinds.EventReceived, record => record.Text("tag") == "test/event/2");
        Assert.Equal(["test/event/0", "test/event/1", "test/event/2"], bed.Journal.OfKind(JournalKinds.EventReceived).Select(record => record.Text("tag")));
    }

    [Fact]
    public void A_tcp_mode_master_serves_the_bus_on_loopback_ports()
    {
        using var bed = new MasterTestBed(options => options with { IpcMode = IpcMode.Tcp });
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());
        using var subscriber = bed.Subscribe();

        bed.FireStop(PullFraming.Prefixed);

        Assert.EndsWith("/stop", subscriber.Next().Tag);
        Assert.EndsWith("/halted", subscriber.Next().Tag);
        Assert.IsType<System.Net.IPEndPoint>(bed.Master.PullEndPoint);
    }

    [Fact]
    public void Dispose_closes_the_bus_sockets_promptly()
    {
        var bed = new MasterTestBed();
        using var subscriber = bed.Subscribe();
        var pullPath = Path.Combine(bed.Master.SocketDirectory, "master_event_pull.ipc");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        bed.Dispose();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"Dispose took {watch.Elapsed}");
        Assert.False(File.Exists(pullPath));
        Assert.False(subscriber.StaysQuiet(TimeSpan.FromSeconds(1)), "the subscriber was not disconnected");
    }
}

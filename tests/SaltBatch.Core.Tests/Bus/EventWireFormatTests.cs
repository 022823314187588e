using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Bus;

/// <summary>The stop event of reference §7.3, byte for byte, as the publisher builds it.</summary>
public sealed class EventWireFormatTests
{
    private const string Jid = "20240610120000000000";
    private const string Tag = "salt/batch/" + Jid + "/stop";

    private static readonly byte[] WorkedExample = Hex.Parse(
        "00 00 00 83" +
        "82 a4 68 65 61 64 80 a4 62 6f 64 79 c4 75" +
        "73 61 6c 74 2f 62 61 74 63 68 2f 32 30 32 34 30" +
        "36 31 30 31 32 30 30 30 30 30 30 30 30 30 30 2f" +
        "73 74 6f 70 0a 0a" +
        "83 a3 6a 69 64 b4" + Convert.ToHexString("20240610120000000000"u8) +
        "a6 72 65 61 73 6f 6e a4 73 74 6f 70" +
        "a6 5f 73 74 61 6d 70 d9 20" + Convert.ToHexString("2026-01-02T03:04:05.678901+00:00"u8));

    private static PayloadMap StopData() => new() { { "jid", Jid }, { "reason", "stop" } };

    private static EventPublisher Publisher() =>
        new(MasterEndpoint.Unix("/nonexistent/master_event_pull.ipc"), clock: FixedClock.WorkedExample);

    [Fact]
    public void PrefixedStopEventMatchesTheWorkedExample()
    {
        var wire = Publisher().BuildWireBytes(Tag, StopData(), PullFraming.Prefixed, stampWithOffset: true);

        Assert.Equal(135, wire.Length);
        Assert.Equal(Convert.ToHexString(WorkedExample), Convert.ToHexString(wire));
    }

    [Fact]
    public void BareStopEventIsTheWorkedExampleWithoutPrefixAndWithTheOlderStamp()
    {
        var wire = Publisher().BuildWireBytes(Tag, StopData(), PullFraming.Bare, stampWithOffset: false);

        // The 26-byte older stamp fits a fixstr: "d9 20" + 32 bytes becomes "ba" + 26 bytes, so the body is 7 bytes shorter.
        var expected = WorkedExample[4..^34].Concat(Hex.Parse("ba")).Concat("2026-01-02T03:04:05.678901"u8.ToArray()).ToArray();
        expected[13] = 117 - 7;
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(wire));
    }

    [Fact]
    public void TheCallersDataIsNotStamped()
    {
        var data = StopData();
        Publisher().BuildWireBytes(Tag, data, PullFraming.Prefixed, stampWithOffset: true);

        Assert.False(data.ContainsKey("_stamp"));
    }

    [Fact]
    public void DataLargerThanMaxEventSizeIsRefused()
    {
        var publisher = new EventPublisher(MasterEndpoint.Unix("/nonexistent/pull.ipc"), new EventBusSettings { MaxEventSize = 64 });

        var error = Assert.Throws<SaltBatchException>(() =>
            publisher.BuildWireBytes(Tag, new PayloadMap { { "blob", new string('x', 100) } }, PullFraming.Bare, false));
        Assert.Equal(SaltFailureKind.InvalidArgument, error.Kind);
        Assert.Contains("max_event_size (64)", error.Message);
    }

    [Fact]
    public void AnEmptyTagOrAutoFramingIsRefused()
    {
        Assert.Throws<ArgumentException>(() => Publisher().BuildWireBytes("", StopData(), PullFraming.Bare, false));
        Assert.Throws<ArgumentException>(() => Publisher().BuildWireBytes(Tag, StopData(), PullFraming.Auto, false));
    }

    [Fact]
    public void EndpointsDescribeThemselves()
    {
        Assert.Equal("unix:/var/run/salt/master/master_event_pull.ipc", MasterEndpoint.Unix("/var/run/salt/master/master_event_pull.ipc").ToString());
        Assert.Equal("tcp://127.0.0.1:4513", MasterEndpoint.Tcp(System.Net.IPAddress.Loopback, 4513).ToString());
        Assert.Equal("tcp://[::1]:4512", MasterEndpoint.Tcp(System.Net.IPAddress.IPv6Loopback, 4512).ToString());
    }
}

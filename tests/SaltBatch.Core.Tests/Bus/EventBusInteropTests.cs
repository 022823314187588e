using System.Text.Json;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Peers;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Bus;

/// <summary>Our event frames against what msgpack-python writes and reads (tests/peers/bus_peer.py).</summary>
public sealed class EventBusInteropTests
{
    private const string Jid = "20240610120000000000";

    [Theory]
    [InlineData(PullFraming.Prefixed, true, "2026-01-02T03:04:05.678901+00:00")]
    [InlineData(PullFraming.Bare, false, "2026-01-02T03:04:05.678901")]
    public async Task StopFrameBytesEqualThePythonPeers(PullFraming framing, bool withOffset, string stamp)
    {
        var expected = await PythonPeerProcess.RunAsync("bus_peer.py", ["stop-frame", Jid, stamp, framing.ToString().ToLowerInvariant()]);

        var ours = new EventPublisher(MasterEndpoint.Unix("/unused"), clock: FixedClock.WorkedExample)
            .BuildWireBytes($"salt/batch/{Jid}/stop", new PayloadMap { { "jid", Jid }, { "reason", "stop" } }, framing, withOffset);

        Assert.Equal(expected, Convert.ToHexString(ours).ToLowerInvariant());
    }

    [Theory]
    [InlineData(PullFraming.Prefixed)]
    [InlineData(PullFraming.Bare)]
    public async Task APythonReceiverDecodesOurFrame(PullFraming framing)
    {
        using var directory = new TempDirectory();
        var path = directory.File("master_event_pull.ipc");
        using var peer = PythonPeerProcess.Start("bus_peer.py", ["serve-unix", path, framing.ToString().ToLowerInvariant()]);
        try
        {
            Assert.Equal("ready", await PythonPeerProcess.ReadLineAsync(peer, TimeSpan.FromSeconds(20)));

            await new EventPublisher(MasterEndpoint.Unix(path), clock: FixedClock.WorkedExample)
                .FireAsync($"salt/batch/{Jid}/stop", new PayloadMap { { "jid", Jid }, { "reason", "stop" } }, framing, stampWithOffset: true);

            using var decoded = JsonDocument.Parse(await PythonPeerProcess.ReadLineAsync(peer, TimeSpan.FromSeconds(20)));
            var root = decoded.RootElement;
            Assert.Equal($"salt/batch/{Jid}/stop", root.GetProperty("tag").GetString());
            Assert.Equal(JsonValueKind.Object, root.GetProperty("head").ValueKind);
            var data = root.GetProperty("data");
            Assert.Equal(["jid", "reason", "_stamp"], data.EnumerateObject().Select(p => p.Name));
            Assert.Equal(Jid, data.GetProperty("jid").GetString());
            Assert.Equal("stop", data.GetProperty("reason").GetString());
            Assert.Equal("2026-01-02T03:04:05.678901+00:00", data.GetProperty("_stamp").GetString());
        }
        finally
        {
            if (!peer.HasExited)
            {
                peer.Kill();
            }
        }
    }
}

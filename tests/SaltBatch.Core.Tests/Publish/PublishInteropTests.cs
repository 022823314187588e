using System.Text.Json;
using SaltBatch.Core.Publish;
using SaltBatch.Core.Tests.Peers;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Publish;

/// <summary>The publish envelope and the ZeroMQ exchange against msgpack-python and pyzmq (tests/peers).</summary>
public sealed class PublishInteropTests
{
    private const string BatchJid = "20240610120000000000";

    [Fact]
    public async Task EnvelopeBytesEqualThePythonPeers()
    {
        var expected = await PythonPeerProcess.RunAsync(
            "bus_peer.py",
            ["envelope", "root", BatchJid, "m2", "m1"],
            new Dictionary<string, string> { ["PEER_KEY"] = PublishEnvelopeTests.ExampleKey });

        var ours = PublishEnvelope.Pack(PublishRequest.KillJob(["m2", "m1"], BatchJid), PublishEnvelopeTests.RootCredentials());

        Assert.Equal(expected, Convert.ToHexString(ours).ToLowerInvariant());
    }

    [Fact]
    public async Task APyzmqRouterAcceptsOurRequestAndWeReadItsReply()
    {
        using var sockDir = new TempDirectory();
        File.WriteAllText(sockDir.File("publish_pull.ipc"), string.Empty);
        using var peer = PythonPeerProcess.Start("zmq_router_peer.py", ["20240610120500123456"]);
        try
        {
            var port = int.Parse(await PythonPeerProcess.ReadLineAsync(peer, TimeSpan.FromSeconds(20)), System.Globalization.CultureInfo.InvariantCulture);
            var options = new RequestServerOptions("127.0.0.1", port) { TryTimeout = TimeSpan.FromSeconds(5), Tries = 1 };

            var result = await new PublishClient(options, sockDir.Path)
                .PublishAsync(PublishRequest.KillJob(["m2", "m1"], BatchJid), PublishEnvelopeTests.RootCredentials());

            Assert.Equal("20240610120500123456", result.Jid);
            Assert.Equal(["m1", "m2"], result.Minions);
            Assert.Empty(result.Missing);

            using var seen = JsonDocument.Parse(await PythonPeerProcess.ReadLineAsync(peer, TimeSpan.FromSeconds(20)));
            var request = seen.RootElement;
            Assert.True(request.GetProperty("delimiter_empty").GetBoolean());
            Assert.True(request.GetProperty("envelope_keys_ok").GetBoolean());
            Assert.True(request.GetProperty("load_keys_ok").GetBoolean());
            Assert.Equal(3, request.GetProperty("version").GetInt32());
            Assert.Equal("publish", request.GetProperty("cmd").GetString());
            Assert.Equal("saltutil.kill_job", request.GetProperty("fun").GetString());
            Assert.Equal([BatchJid], request.GetProperty("arg").EnumerateArray().Select(a => a.GetString()));
            Assert.Equal("root", request.GetProperty("user").GetString());
            Assert.Equal(PublishEnvelopeTests.ExampleKey.Length, request.GetProperty("key_length").GetInt32());
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

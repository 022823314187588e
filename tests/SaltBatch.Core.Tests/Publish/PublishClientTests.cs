using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NetMQ;
using NetMQ.Sockets;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Publish;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Publish;

/// <summary>The publish client against in-process request servers over both transports.</summary>
public sealed class PublishClientTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _sockDir = new();

    public PublishClientTests() => File.WriteAllText(_sockDir.File("publish_pull.ipc"), string.Empty);

    public void Dispose() => _sockDir.Dispose();

    private static PayloadMap SuccessReply(string jid) => new()
    {
        { "enc", "clear" },
        { "load", new PayloadMap { { "jid", jid }, { "minions", new[] { "m1" } }, { "missing", Array.Empty<string>() } } },
    };

    private static PublishRequest KillRequest() => PublishRequest.KillJob(["m1"], "20240610120000000000");

    [Fact]
    public async Task ZeroMqSilentServerTimesOutAfterEveryTry()
    {
        using var server = new ResponseSocket();
        var port = server.BindRandomPort("tcp://127.0.0.1");
        var options = new RequestServerOptions("127.0.0.1", port) { TryTimeout = TimeSpan.FromMilliseconds(300), Tries = 3 };
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<SaltBatchException>(() =>
            new PublishClient(options, _sockDir.Path).PublishAsync(KillRequest(), PublishEnvelopeTests.RootCredentials()));

        Assert.Equal(SaltFailureKind.Timeout, error.Kind);
        Assert.Contains($"tcp://127.0.0.1:{port}", error.Message);
        Assert.Contains("3 tries", error.Message);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(850), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task ZeroMqAnswerIsInterpreted()
    {
        using var server = new ResponseSocket();
        var port = server.BindRandomPort("tcp://127.0.0.1");
        var serving = Blocking.Run(() =>
        {
            var request = server.ReceiveFrameBytes();
            server.SendFrame(PayloadWriter.Pack(SuccessReply("20240610120500123456"), useBinType: false));
            return request;
        });
        var options = new RequestServerOptions("127.0.0.1", port) { TryTimeout = TimeSpan.FromSeconds(5) };

        var result = await new PublishClient(options, _sockDir.Path).PublishAsync(KillRequest(), PublishEnvelopeTests.RootCredentials());

        Assert.Equal("20240610120500123456", result.Jid);
        Assert.Equal(PublishEnvelope.Pack(KillRequest(), PublishEnvelopeTests.RootCredentials()), await serving.WaitAsync(Patience));
    }

    [Fact]
    public async Task ZeroMqSecondTryIsAnsweredAfterTheFirstTimedOut()
    {
        using var server = new RouterSocket();
        var port = server.BindRandomPort("tcp://127.0.0.1");
        var serving = Blocking.Run(() =>
        {
            // Ignore the first request; answer the second, which arrives on a new REQ socket.
            server.ReceiveMultipartMessage();
            var second = server.ReceiveMultipartMessage();
            var reply = new NetMQMessage();
            reply.Append(second[0]);
            reply.AppendEmptyFrame();
            reply.Append(PayloadWriter.Pack(SuccessReply("20240610120500999999"), useBinType: false));
            server.SendMultipartMessage(reply);
        });
        var options = new RequestServerOptions("127.0.0.1", port) { TryTimeout = TimeSpan.FromMilliseconds(500), Tries = 3 };

        var result = await new PublishClient(options, _sockDir.Path).PublishAsync(KillRequest(), PublishEnvelopeTests.RootCredentials());

        Assert.Equal("20240610120500999999", result.Jid);
        await serving.WaitAsync(Patience);
    }

    [Fact]
    public async Task TcpTransportSendsHeadAndBodyAndMatchesTheReplyByMessageId()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Blocking.Run(() =>
        {
            using var connection = listener.AcceptSocket();
            using var stream = new NetworkStream(connection);
            using var reader = new PayloadReader(stream, leaveOpen: true, maxPayloadBytes: 1 << 20);
            var request = (PayloadMap)reader.ReadValue(TextDecoding.EventSemantics)!;
            var mid = ((PayloadMap)request.Get("head")!).Get("mid");
            // An unrelated message first: the client must wait for its own mid.
            stream.Write(PayloadWriter.Pack(new PayloadMap { { "head", new PayloadMap { { "mid", 99 } } }, { "body", "noise" } }, useBinType: true));
            stream.Write(PayloadWriter.Pack(new PayloadMap { { "head", new PayloadMap { { "mid", mid } } }, { "body", SuccessReply("20240610120500777777") } }, useBinType: true));
            return request;
        });
        var options = new RequestServerOptions("127.0.0.1", port) { Transport = RequestTransport.Tcp, TryTimeout = TimeSpan.FromSeconds(5) };

        var result = await new PublishClient(options, _sockDir.Path).PublishAsync(KillRequest(), PublishEnvelopeTests.RootCredentials());

        Assert.Equal("20240610120500777777", result.Jid);
        var sent = await serving.WaitAsync(Patience);
        Assert.Equal(["head", "body"], sent.Keys);
        Assert.Equal(1L, ((PayloadMap)sent.Get("head")!).Get("mid"));
        var body = (PayloadMap)sent.Get("body")!;
        Assert.Equal("publish", ((PayloadMap)body.Get("load")!).Get("cmd"));
        Assert.Equal(3L, body.Get("version"));
    }

    [Fact]
    public async Task TcpTransportSilentServerTimesOutWithinTheBudget()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = new RequestServerOptions("127.0.0.1", port) { Transport = RequestTransport.Tcp, TryTimeout = TimeSpan.FromMilliseconds(300), Tries = 2 };
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<SaltBatchException>(() =>
            new PublishClient(options, _sockDir.Path).PublishAsync(KillRequest(), PublishEnvelopeTests.RootCredentials()));

        Assert.Equal(SaltFailureKind.Timeout, error.Kind);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(550), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task TcpTransportToAHostThatResolvesToNothingIsUnreachableNamingTheHost()
    {
        var options = new RequestServerOptions("no-such-master.invalid", 4506) { Transport = RequestTransport.Tcp, TryTimeout = TimeSpan.FromSeconds(5), Tries = 1 };

        var error = await Assert.ThrowsAsync<SaltBatchException>(() =>
            new PublishClient(options, _sockDir.Path).PublishAsync(KillRequest(), PublishEnvelopeTests.RootCredentials()));

        Assert.Equal(SaltFailureKind.MasterUnreachable, error.Kind);
        Assert.Contains("'no-such-master.invalid'", error.Message);
        Assert.Contains("resolves to no address", error.Message);
    }

    [Fact]
    public async Task TcpTransportToAClosedPortIsUnreachable()
    {
        var options = new RequestServerOptions("127.0.0.1", FreeTcpPort.Find()) { Transport = RequestTransport.Tcp };

        var error = await Assert.ThrowsAsync<SaltBatchException>(() =>
            new PublishClient(options, _sockDir.Path).PublishAsync(KillRequest(), PublishEnvelopeTests.RootCredentials()));

        Assert.Equal(SaltFailureKind.MasterUnreachable, error.Kind);
    }

    [Fact]
    public async Task AMissingPublisherSocketMeansTheMasterIsNotRunning()
    {
        using var emptySockDir = new TempDirectory();
        var options = new RequestServerOptions("127.0.0.1", FreeTcpPort.Find());

        var error = await Assert.ThrowsAsync<SaltBatchException>(() =>
            new PublishClient(options, emptySockDir.Path).PublishAsync(KillRequest(), PublishEnvelopeTests.RootCredentials()));

        Assert.Equal(SaltFailureKind.MasterUnreachable, error.Kind);
        Assert.Contains(emptySockDir.File("publish_pull.ipc"), error.Message);
        Assert.Contains("does not exist", error.Message);
    }
}

using System.Net;
using System.Net.Sockets;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Publish;

/// <summary>
/// Salt's <c>transport: tcp</c> request client (reference §8.5b): <c>{"head": {"mid": n}, "body": envelope}</c> packed
/// with <c>use_bin_type=True</c>, no length prefix; replies are a stream of the same shape, matched by <c>mid</c>.
/// A try that times out drops the connection (the late reply would be stale); message ids keep counting up.
/// </summary>
internal sealed class TcpRequestChannel : IRequestChannel
{
    private const int MaxReplyPayloadBytes = 64 * 1024 * 1024;

    private readonly RequestServerOptions _server;
    private readonly TimeSpan _connectTimeout;
    private long _nextMessageId = 1;
    private Socket? _socket;
    private PayloadReader? _replies;

    public TcpRequestChannel(RequestServerOptions server, TimeSpan connectTimeout)
    {
        _server = server;
        _connectTimeout = connectTimeout;
    }

    public async Task<RequestAttempt> TryRequestAsync(PayloadMap envelope, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var messageId = _nextMessageId++;
        var request = PayloadWriter.Pack(
            new PayloadMap { { "head", new PayloadMap { { "mid", messageId } } }, { "body", envelope } },
            useBinType: true);
        try
        {
            var socket = _socket ??= await ConnectAsync(deadline.Token).ConfigureAwait(false);
            _replies ??= new PayloadReader(new NetworkStream(socket, ownsSocket: false), maxPayloadBytes: MaxReplyPayloadBytes);
            for (var sent = 0; sent < request.Length;)
            {
                sent += await socket.SendAsync(request.AsMemory(sent), SocketFlags.None, deadline.Token).ConfigureAwait(false);
            }

            var replies = _replies;
            // The reader blocks (on its own thread, to spare the thread pool); closing the socket on timeout ends it.
            var reading = Task.Factory.StartNew(() => ReadReply(replies, messageId), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var reply = await reading.WaitAsync(deadline.Token).ConfigureAwait(false);
            return new RequestAttempt(true, reply);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Disconnect();
            return RequestAttempt.NoReply;
        }
        catch (Exception lost) when (lost is IOException or SocketException or ObjectDisposedException)
        {
            Disconnect();
            throw new SaltBatchException(
                SaltFailureKind.MasterUnreachable,
                $"The master's request server at {_server.Uri} closed the connection ({lost.Message}); is the salt-master running?",
                _server.Uri,
                lost);
        }
        catch (PayloadFormatException malformed)
        {
            Disconnect();
            throw new SaltBatchException(SaltFailureKind.PublishRejected, $"The master at {_server.Uri} sent a reply that is not msgpack: {malformed.Reason}.", _server.Uri, malformed);
        }
        catch
        {
            Disconnect();
            throw;
        }
    }

    public void Dispose() => Disconnect();

    private static object? ReadReply(PayloadReader replies, long messageId)
    {
        while (true)
        {
            if (replies.ReadValue(TextDecoding.FileSemantics) is PayloadMap { } frame
                && frame.Get("head") is PayloadMap head
                && head.Get("mid") is long mid
                && mid == messageId)
            {
                return frame.Get("body");
            }
        }
    }

    private async Task<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        var address = IPAddress.TryParse(_server.Host, out var literal) ? literal : await ResolveAsync(cancellationToken).ConfigureAwait(false);
        return await SocketConnector.ConnectAsync(MasterEndpoint.Tcp(address, _server.Port), _connectTimeout, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IPAddress> ResolveAsync(CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(_server.Host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException failure)
        {
            throw Unresolved(failure.Message, failure);
        }

        return addresses.Length > 0 ? addresses[0] : throw Unresolved("no address", null);
    }

    private SaltBatchException Unresolved(string why, Exception? cause) =>
        new(
            SaltFailureKind.MasterUnreachable,
            $"The master's request server host '{_server.Host}' (interface in the master config) resolves to no address ({why}); set interface to the address the salt-master listens on.",
            _server.Uri,
            cause);

    private void Disconnect()
    {
        _replies?.Dispose();
        _replies = null;
        _socket?.Dispose();
        _socket = null;
    }
}

using NetMQ;
using NetMQ.Sockets;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Publish;

/// <summary>
/// ZeroMQ REQ to <c>master_uri</c> (reference §8.5): one message part out, one back. A REQ socket cannot send again
/// before it has a reply, so after a timeout the socket is thrown away and the next try starts with a new one.
/// </summary>
internal sealed class ZeroMqRequestChannel : IRequestChannel
{
    /// <summary>How often a blocked receive looks at the cancellation token.</summary>
    private static readonly TimeSpan CancellationPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly RequestServerOptions _server;
    private RequestSocket? _socket;

    public ZeroMqRequestChannel(RequestServerOptions server) => _server = server;

    public Task<RequestAttempt> TryRequestAsync(PayloadMap envelope, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var request = PayloadWriter.Pack(envelope, useBinType: false);
        // NetMQ blocks the calling thread for up to the whole try: give it its own thread, not a pool thread, so a
        // small machine's thread pool is not starved while we wait.
        return Task.Factory.StartNew(() => Exchange(request, timeout, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public void Dispose() => DropSocket();

    private RequestAttempt Exchange(byte[] request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var socket = _socket ??= Open();
        if (!socket.TrySendFrame(timeout, request))
        {
            DropSocket();
            return RequestAttempt.NoReply;
        }

        while (true)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                DropSocket();
                cancellationToken.ThrowIfCancellationRequested();
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                DropSocket();
                return RequestAttempt.NoReply;
            }

            if (socket.TryReceiveFrameBytes(Slice(remaining), out var reply))
            {
                // One request per socket, closed on the thread that used it: NetMQ sockets are not thread-safe.
                DropSocket();
                return new RequestAttempt(true, PublishReply.Decode(reply, _server.Uri));
            }
        }
    }

    /// <summary>
    /// The next wait: at most the poll interval, and whole milliseconds, because NetMQ reads a sub-millisecond
    /// timeout as "wait forever".
    /// </summary>
    private static TimeSpan Slice(TimeSpan remaining) =>
        TimeSpan.FromMilliseconds(Math.Ceiling(Math.Min(remaining.TotalMilliseconds, CancellationPollInterval.TotalMilliseconds)));

    private RequestSocket Open()
    {
        var socket = new RequestSocket();
        socket.Options.Linger = TimeSpan.Zero;
        socket.Options.ReconnectIntervalMax = TimeSpan.FromSeconds(5);
        if (_server.IsIPv6Literal)
        {
            socket.Options.IPv4Only = false;
        }

        socket.Connect(_server.Uri);
        return socket;
    }

    private void DropSocket()
    {
        _socket?.Dispose();
        _socket = null;
    }
}

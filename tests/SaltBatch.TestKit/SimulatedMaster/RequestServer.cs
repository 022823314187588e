using NetMQ;
using NetMQ.Sockets;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// The master's ZeroMQ request server (reference §8.5): a ROUTER bound on loopback. A REQ client's message arrives as
/// [identity, empty, payload] and the reply goes back the same way. One thread owns the socket, as NetMQ requires.
/// </summary>
public sealed class RequestServer : IDisposable
{
    private const int MaxRequestBytes = 1024 * 1024;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly RouterSocket _router;
    private readonly Func<byte[], byte[]?> _handle;
    private readonly Action<string> _onProtocolError;
    private readonly Thread _thread;
    private volatile bool _stopping;

    /// <param name="port">0 picks a free port.</param>
    /// <param name="handle">Maps a request payload to reply bytes, or null to leave it unanswered.</param>
    public RequestServer(int port, Func<byte[], byte[]?> handle, Action<string> onProtocolError)
    {
        _handle = handle;
        _onProtocolError = onProtocolError;
        _router = new RouterSocket();
        _router.Options.Linger = TimeSpan.Zero;
        _router.Options.MaxMsgSize = MaxRequestBytes;
        if (port == 0)
        {
            Port = _router.BindRandomPort("tcp://127.0.0.1");
        }
        else
        {
            _router.Bind($"tcp://127.0.0.1:{port}");
            Port = port;
        }

        _thread = new Thread(Serve) { IsBackground = true, Name = "simulated-master-request-server" };
        _thread.Start();
    }

    public int Port { get; }

    public string Address => $"tcp://127.0.0.1:{Port}";

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        _router.Dispose();
    }

    private void Serve()
    {
        var message = new NetMQMessage();
        while (!_stopping)
        {
            if (!_router.TryReceiveMultipartMessage(PollInterval, ref message))
            {
                continue;
            }

            if (message.FrameCount != 3 || !message[1].IsEmpty)
            {
                _onProtocolError($"request: a ZeroMQ message of {message.FrameCount} frame(s), expected a REQ request [identity, empty, payload]");
                continue;
            }

            var reply = _handle(message[2].ToByteArray());
            if (reply is not null)
            {
                _router.SendMoreFrame(message[0].ToByteArray()).SendMoreFrameEmpty().SendFrame(reply);
            }
        }
    }
}

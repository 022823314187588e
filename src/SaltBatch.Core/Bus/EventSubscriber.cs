using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Bus;

/// <summary>
/// Listens to the master's pub stream (reference §7.6): reads frames continuously on a background task so the
/// publisher never drops us for being slow, decodes each, skips what does not decode, and reconnects when the master
/// closes the socket. Events are one ordered stream with a single reader: whoever reads consumes.
/// </summary>
public sealed class EventSubscriber : IAsyncDisposable
{
    /// <summary>Events kept while nobody reads; beyond this the oldest are dropped (Salt drops slow readers too).</summary>
    private const int BufferedEventLimit = 10_000;

    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestReconnectDelay = TimeSpan.FromSeconds(2);

    private readonly MasterEndpoint _pub;
    private readonly EventBusSettings _settings;
    private readonly Connector _connect;
    private readonly Channel<MasterEvent> _events;
    private readonly CancellationTokenSource _stopping = new();
    private Socket _socket;
    private Task _pump = Task.CompletedTask;
    private int _reconnectCount;

    /// <summary>How a connection is opened: <see cref="SocketConnector.ConnectAsync"/>, or a test's stand-in that controls when it completes.</summary>
    internal delegate Task<Socket> Connector(MasterEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken);

    private EventSubscriber(MasterEndpoint pub, EventBusSettings settings, Connector connect, Socket socket)
    {
        _pub = pub;
        _settings = settings;
        _connect = connect;
        _socket = socket;
        _events = Channel.CreateBounded<MasterEvent>(new BoundedChannelOptions(BufferedEventLimit)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleWriter = true,
        });
    }

    public MasterEndpoint Endpoint => _pub;

    /// <summary>How many times the stream was lost and re-established (internal: the engine's tests observe it, nothing else reads it).</summary>
    internal int ReconnectCount => Volatile.Read(ref _reconnectCount);

    /// <summary>Frames that arrived but were not events (skipped, like Salt does).</summary>
    internal int SkippedFrameCount { get; private set; }

    /// <summary>Connects now, so a master that is down fails here, then starts reading in the background.</summary>
    public static Task<EventSubscriber> ConnectAsync(MasterEndpoint pub, EventBusSettings? settings = null, CancellationToken cancellationToken = default) =>
        ConnectAsync(pub, settings ?? new EventBusSettings(), SocketConnector.ConnectAsync, cancellationToken);

    internal static async Task<EventSubscriber> ConnectAsync(MasterEndpoint pub, EventBusSettings settings, Connector connect, CancellationToken cancellationToken)
    {
        var socket = await connect(pub, settings.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        var subscriber = new EventSubscriber(pub, settings, connect, socket);
        subscriber._pump = Task.Factory.StartNew(subscriber.Pump, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return subscriber;
    }

    /// <summary>
    /// Reads events until one satisfies <paramref name="predicate"/> (events before it are consumed) and returns it;
    /// null when <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<MasterEvent?> WaitForAsync(Func<MasterEvent, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (await _events.Reader.WaitToReadAsync(deadline.Token).ConfigureAwait(false))
            {
                while (_events.Reader.TryRead(out var masterEvent))
                {
                    if (predicate(masterEvent))
                    {
                        return masterEvent;
                    }
                }
            }

            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Every event as it arrives, until <paramref name="cancellationToken"/> fires or the subscriber is disposed.</summary>
    public async IAsyncEnumerable<MasterEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var masterEvent in _events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return masterEvent;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        // Closing the socket is what unblocks a read in progress.
        Volatile.Read(ref _socket).Dispose();
        await _pump.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void Pump()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                ReadUntilLost(Volatile.Read(ref _socket));
                if (!_stopping.IsCancellationRequested && Reconnect())
                {
                    Interlocked.Increment(ref _reconnectCount);
                }
            }
        }
        finally
        {
            // Whichever connection is current when the pump ends, a reconnect racing the dispose's included, closes here.
            Volatile.Read(ref _socket).Dispose();
            _events.Writer.TryComplete();
        }
    }

    private void ReadUntilLost(Socket socket)
    {
        try
        {
            using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new PayloadReader(stream, leaveOpen: true, maxPayloadBytes: _settings.MaxIncomingFrameSize);
            while (!_stopping.IsCancellationRequested)
            {
                var body = EventCodec.ReadFrameBody(reader);
                if (TryDecode(body) is { } masterEvent)
                {
                    _events.Writer.TryWrite(masterEvent);
                }
            }
        }
        catch (Exception lost) when (lost is IOException or SocketException or ObjectDisposedException or PayloadFormatException)
        {
            // The stream ended, broke or desynchronised; a fresh connection starts at a frame boundary again.
        }
    }

    private MasterEvent? TryDecode(byte[]? body)
    {
        if (body is not null)
        {
            try
            {
                return EventCodec.DecodeEvent(body);
            }
            catch (PayloadFormatException)
            {
            }
        }

        SkippedFrameCount++;
        return null;
    }

    private bool Reconnect()
    {
        Volatile.Read(ref _socket).Dispose();
        var delay = FirstReconnectDelay;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                _stopping.Token.WaitHandle.WaitOne(delay);
                var socket = _connect(_pub, _settings.ConnectTimeout, _stopping.Token).GetAwaiter().GetResult();
                // A full fence: the dispose's cancel and this swap cannot pass each other unseen.
                Interlocked.Exchange(ref _socket, socket);
                if (_stopping.IsCancellationRequested)
                {
                    socket.Dispose();
                    return false;
                }

                return true;
            }
            catch (SaltBatchException)
            {
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestReconnectDelay.Ticks));
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }
}

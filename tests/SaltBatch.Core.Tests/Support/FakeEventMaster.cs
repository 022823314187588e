using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Tests.Support;

/// <summary>
/// The master's event bus in miniature: a pull socket that understands one framing (or relays nothing) and a pub
/// socket that re-sends every event it understood as bare frames, the way Salt's publisher does. A frame in the other
/// framing fails the way it fails on a real master: a stalled or desynchronised connection, no event.
/// </summary>
internal sealed class FakeEventMaster : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly UnixListener _pull;
    private readonly UnixListener _pub;
    private readonly PullFraming? _understood;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, byte> _subscribers = new();
    private readonly List<Task> _loops = new();

    /// <param name="understood">The framing this master's pull side reads; null for a master whose publisher relays nothing.</param>
    public FakeEventMaster(PullFraming? understood)
    {
        _understood = understood;
        _pull = new UnixListener(_directory.File("master_event_pull.ipc"));
        _pub = new UnixListener(_directory.File("master_event_pub.ipc"));
        Endpoints = EventBusEndpoints.InSocketDirectory(_directory.Path);
        _loops.Add(Task.Run(AcceptPullConnections));
        _loops.Add(Task.Run(AcceptSubscribers));
    }

    public EventBusEndpoints Endpoints { get; }

    /// <summary>Every event the pull side understood, in arrival order.</summary>
    public ConcurrentQueue<MasterEvent> Received { get; } = new();

    public int PullConnectionCount;

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _pull.Dispose();
        _pub.Dispose();
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Dispose();
        }

        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        _directory.Dispose();
    }

    private async Task AcceptSubscribers()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                _subscribers.TryAdd(await _pub.AcceptAsync(_stopping.Token), 0);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task AcceptPullConnections()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _pull.AcceptAsync(_stopping.Token);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref PullConnectionCount);
            _ = Blocking.Run(() => ReadEvents(connection));
        }
    }

    private void ReadEvents(Socket connection)
    {
        using var _ = connection;
        using var stream = new NetworkStream(connection, ownsSocket: false);
        using var bareReader = new PayloadReader(stream, leaveOpen: true, maxPayloadBytes: 1 << 20);
        try
        {
            while (true)
            {
                var body = _understood switch
                {
                    PullFraming.Prefixed => ReadPrefixed(stream),
                    PullFraming.Bare => EventCodec.ReadFrameBody(bareReader),
                    _ => DrainSilently(stream),
                };
                if (body is not null && TryDecode(body) is { } masterEvent)
                {
                    Received.Enqueue(masterEvent);
                    Publish(EventCodec.WrapFrame(body));
                }
            }
        }
        catch (Exception error) when (error is IOException or PayloadFormatException or ObjectDisposedException or SocketException)
        {
        }
    }

    private static byte[]? ReadPrefixed(NetworkStream stream)
    {
        var prefix = new byte[EventCodec.LengthPrefixSize];
        stream.ReadExactly(prefix);
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length > 1 << 20)
        {
            // A bare frame read as a length: the real master waits for ~2 GB that never come.
            DrainSilently(stream);
        }

        var frame = new byte[length];
        stream.ReadExactly(frame);
        return EventCodec.UnwrapFrame(PayloadReader.ReadDocument(frame, TextDecoding.EventSemantics));
    }

    private static byte[]? DrainSilently(NetworkStream stream)
    {
        stream.CopyTo(Stream.Null);
        throw new IOException("connection closed");
    }

    private static MasterEvent? TryDecode(byte[] body)
    {
        try
        {
            return EventCodec.DecodeEvent(body);
        }
        catch (PayloadFormatException)
        {
            return null;
        }
    }

    private void Publish(byte[] frame)
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            try
            {
                subscriber.Send(frame);
            }
            catch (Exception error) when (error is SocketException or ObjectDisposedException)
            {
                _subscribers.TryRemove(subscriber, out _);
            }
        }
    }
}

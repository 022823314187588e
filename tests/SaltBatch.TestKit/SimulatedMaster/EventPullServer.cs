using System.Net.Sockets;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// The master's event pull socket (reference §7.1–§7.4): many firing clients, no replies, one framing. A connection
/// whose bytes do not fit the framing is reported and dropped; the server keeps accepting others.
/// </summary>
public sealed class EventPullServer : IDisposable
{
    private readonly PullFraming _framing;
    private readonly int _maxFrameBytes;
    private readonly Action<byte[], MasterEvent> _onEvent;
    private readonly Action<string> _onProtocolError;
    private readonly ConnectionServer _server;

    /// <param name="onEvent">Called with the event bytes and their decoding, one event at a time per connection.</param>
    public EventPullServer(Socket listener, PullFraming framing, int maxFrameBytes, int maxConnections, Action<byte[], MasterEvent> onEvent, Action<string> onProtocolError)
    {
        if (framing is not (PullFraming.Prefixed or PullFraming.Bare))
        {
            throw new ArgumentOutOfRangeException(nameof(framing), framing, "A master speaks exactly one pull framing.");
        }

        _framing = framing;
        _maxFrameBytes = maxFrameBytes;
        _onEvent = onEvent;
        _onProtocolError = onProtocolError;
        _server = new ConnectionServer(listener, maxConnections, Serve);
    }

    public void Dispose() => _server.Dispose();

    private void Serve(Socket connection)
    {
        using var stream = new NetworkStream(connection, ownsSocket: false);
        IPullFrameReader reader = _framing == PullFraming.Prefixed
            ? new PrefixedPullFrameReader(stream, _maxFrameBytes)
            : new BarePullFrameReader(stream, _maxFrameBytes);
        try
        {
            while (reader.ReadEventBytes() is { } eventBytes)
            {
                _onEvent(eventBytes, EventCodec.DecodeEvent(eventBytes));
            }
        }
        catch (PullFramingException error)
        {
            _onProtocolError($"pull ({_framing.ToString().ToLowerInvariant()}): {error.Message}; connection dropped");
        }
        catch (PayloadFormatException error)
        {
            _onProtocolError($"pull ({_framing.ToString().ToLowerInvariant()}): the frame body is not an event: {error.Message}; connection dropped");
        }
    }
}

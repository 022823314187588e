using System.Net.Sockets;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Bus;

/// <summary>
/// Fires events into the master's pull socket the way <c>fire_event</c> does (reference §7.2): stamp, pack, frame,
/// write, no reply. Each event goes over its own connection, because a frame in the wrong framing poisons the
/// connection it was written to (reference §7.4).
/// </summary>
public sealed class EventPublisher
{
    private readonly MasterEndpoint _pull;
    private readonly EventBusSettings _settings;
    private readonly TimeProvider _clock;

    public EventPublisher(MasterEndpoint pull, EventBusSettings? settings = null, TimeProvider? clock = null)
    {
        _pull = pull;
        _settings = settings ?? new EventBusSettings();
        _clock = clock ?? TimeProvider.System;
    }

    public MasterEndpoint Endpoint => _pull;

    /// <summary>The bytes <see cref="FireAsync"/> writes: <paramref name="data"/> plus <c>_stamp</c>, packed and framed.</summary>
    public byte[] BuildWireBytes(string tag, PayloadMap data, PullFraming framing, bool stampWithOffset)
    {
        ArgumentNullException.ThrowIfNull(data, nameof(data));
        if (framing == PullFraming.Auto)
        {
            throw new ArgumentException("Resolve Auto to Prefixed or Bare before firing (see PullFramingDetector).", nameof(framing));
        }

        // Salt adds _stamp to the caller's dict; a copy keeps the caller's map unchanged.
        var stamped = new PayloadMap(data.Count + 1);
        foreach (var entry in data)
        {
            stamped.Add(entry.Key, entry.Value);
        }

        stamped.Add("_stamp", EventCodec.FormatStamp(_clock.GetUtcNow().UtcDateTime, stampWithOffset));
        var size = PayloadWriter.Pack(stamped, useBinType: true).Length;
        if (size > _settings.MaxEventSize)
        {
            throw new SaltBatchException(
                SaltFailureKind.InvalidArgument,
                $"Event {tag} packs to {size} bytes, more than the master's max_event_size ({_settings.MaxEventSize}); the master would drop it, so it was not sent.",
                tag);
        }

        return EventCodec.FrameForPull(EventCodec.PackEvent(tag, stamped), framing);
    }

    /// <summary>Connects, writes one event and closes. Returns once the bytes are written; the bus never acknowledges.</summary>
    public async Task FireAsync(string tag, PayloadMap data, PullFraming framing, bool stampWithOffset, CancellationToken cancellationToken = default)
    {
        var wire = BuildWireBytes(tag, data, framing, stampWithOffset);
        using var socket = await SocketConnector.ConnectAsync(_pull, _settings.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_settings.WriteTimeout);
        try
        {
            var sent = 0;
            while (sent < wire.Length)
            {
                sent += await socket.SendAsync(wire.AsMemory(sent), SocketFlags.None, deadline.Token).ConfigureAwait(false);
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SaltBatchException(
                SaltFailureKind.Timeout,
                $"Writing an event to {_pull} did not finish within {_settings.WriteTimeout.TotalSeconds:0.###} s; the master is not reading its event socket.",
                _pull.ToString());
        }
        catch (SocketException error)
        {
            throw new SaltBatchException(
                SaltFailureKind.MasterUnreachable,
                $"The master closed {_pull} while an event was being written ({error.Message}); is the salt-master running?",
                _pull.ToString(),
                error);
        }
    }
}

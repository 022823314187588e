using System.Collections.Concurrent;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Bus;

/// <summary>
/// Finds out which pull framing a master expects (reference §0.2, §7.4). The sockets have no handshake, so the only
/// test is to fire harmless probe events and see which comes back on the pub stream: a prefixed one (newest line) and
/// a bare one (3006/3007), each over its own connection because a wrong frame stalls or desynchronises the connection
/// it was written to, again until one comes back (<see cref="ProbeEcho"/>). The answer is remembered per pull
/// endpoint, for every runspace of the process (a master's framing does not depend on who asks), until a stop fired
/// with it goes unconfirmed (the master may have been restarted on another Salt version) or the module is removed.
/// </summary>
public sealed class PullFramingDetector
{
    public const string ProbeTagPrefix = "saltbatch/probe/";

    private static readonly ConcurrentDictionary<string, PullFraming> Remembered = new(StringComparer.Ordinal);

    private readonly EventBusEndpoints _endpoints;
    private readonly EventBusSettings _settings;
    private readonly EventPublisher _publisher;

    public PullFramingDetector(EventBusEndpoints endpoints, EventBusSettings? settings = null, TimeProvider? clock = null)
    {
        _endpoints = endpoints;
        _settings = settings ?? new EventBusSettings();
        _publisher = new EventPublisher(endpoints.Pull, _settings, clock);
    }

    /// <summary>What was learned for <paramref name="pull"/> earlier in this process, if anything.</summary>
    public static PullFraming? Recall(MasterEndpoint pull) =>
        Remembered.TryGetValue(pull.ToString(), out var framing) ? framing : null;

    /// <summary>Forgets what was learned for one master (a stop it did not confirm).</summary>
    public static void Forget(MasterEndpoint pull) => Remembered.TryRemove(pull.ToString(), out _);

    /// <summary>Forgets every master's framing (the module's last removal).</summary>
    public static void ForgetAll() => Remembered.Clear();

    /// <summary>The framing to use: <paramref name="requested"/> when it is explicit, else remembered or detected.</summary>
    public async Task<PullFraming> ResolveAsync(PullFraming requested, CancellationToken cancellationToken = default)
    {
        if (requested != PullFraming.Auto)
        {
            return requested;
        }

        if (Recall(_endpoints.Pull) is { } known)
        {
            return known;
        }

        var detected = await DetectAsync(cancellationToken).ConfigureAwait(false);
        Remembered[_endpoints.Pull.ToString()] = detected;
        return detected;
    }

    private async Task<PullFraming> DetectAsync(CancellationToken cancellationToken)
    {
        // Subscribe first: the pub stream only carries events fired after we are listening.
        var subscriber = await EventSubscriber.ConnectAsync(_endpoints.Pub, _settings, cancellationToken).ConfigureAwait(false);
        await using (subscriber.ConfigureAwait(false))
        {
            var framing = await ProbeEcho.FirstAnsweredAsync(
                subscriber,
                [PullFraming.Prefixed, PullFraming.Bare],
                (tag, data, framing, cancellation) => _publisher.FireAsync(tag, data, framing, stampWithOffset: framing == PullFraming.Prefixed, cancellation),
                _settings.ProbeWindow,
                cancellationToken).ConfigureAwait(false);
            if (framing is { } answered)
            {
                return answered;
            }
        }

        throw new SaltBatchException(
            SaltFailureKind.MasterUnreachable,
            $"No event came back on {_endpoints.Pub} within {_settings.ProbeWindow.TotalSeconds:0.###} s of firing probes to {_endpoints.Pull} in both framings (prefixed and bare), again and again. " +
            "The master's event publisher is not relaying events; is the salt-master running and healthy? If you know which framing its pull side reads, pass it with -Framing.",
            _endpoints.Pull.ToString());
    }
}

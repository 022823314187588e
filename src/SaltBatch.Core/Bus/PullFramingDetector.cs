using System.Collections.Concurrent;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Bus;

/// <summary>
/// Finds out which pull framing a master expects (reference §0.2, §7.4). The sockets have no handshake, so the only
/// test is to fire a harmless probe event and see whether it comes back on the pub stream: first prefixed (newest
/// line), then bare (3006/3007), each over its own connection because a wrong frame stalls or desynchronises the
/// connection it was written to. The answer is remembered per pull endpoint for the life of the process.
/// </summary>
public sealed class PullFramingDetector
{
    public const string ProbeTagPrefix = "saltbatch/probe/";

    private static readonly TimeSpan SubscriptionSettleTime = TimeSpan.FromMilliseconds(100);

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

    /// <summary>Forgets what was learned (for tests, or after the master was upgraded in place).</summary>
    public static void Forget(MasterEndpoint pull) => Remembered.TryRemove(pull.ToString(), out _);

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
            // Our connect completes in the kernel's backlog; the publisher adds us to its audience only when it
            // accepts, and a probe fired before that would be lost and misread as the wrong framing.
            await Task.Delay(SubscriptionSettleTime, cancellationToken).ConfigureAwait(false);
            foreach (var framing in new[] { PullFraming.Prefixed, PullFraming.Bare })
            {
                if (await ProbeAsync(subscriber, framing, cancellationToken).ConfigureAwait(false))
                {
                    return framing;
                }
            }
        }

        throw new SaltBatchException(
            SaltFailureKind.MasterUnreachable,
            $"No event came back on {_endpoints.Pub} within {_settings.ProbeWindow.TotalSeconds:0.###} s after firing a probe to {_endpoints.Pull} with either framing (prefixed or bare). " +
            "The master's event publisher is not relaying events; is the salt-master running and healthy? If you know its version, pass the framing explicitly.",
            _endpoints.Pull.ToString());
    }

    private async Task<bool> ProbeAsync(EventSubscriber subscriber, PullFraming framing, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var tag = ProbeTagPrefix + id;
        await _publisher.FireAsync(tag, new PayloadMap { { "probe", id } }, framing, stampWithOffset: framing == PullFraming.Prefixed, cancellationToken)
            .ConfigureAwait(false);
        var echo = await subscriber.WaitForAsync(masterEvent => masterEvent.Tag == tag, _settings.ProbeWindow, cancellationToken).ConfigureAwait(false);
        return echo is not null;
    }
}

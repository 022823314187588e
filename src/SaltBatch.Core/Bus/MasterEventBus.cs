using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Bus;

/// <summary>
/// The event bus as the batch operations use it: fire an event in whatever framing this master speaks (detected once
/// per process when not given), or listen to everything the master announces.
/// </summary>
public sealed class MasterEventBus
{
    private readonly EventBusSettings _settings;
    private readonly EventPublisher _publisher;
    private readonly PullFramingDetector _detector;

    public MasterEventBus(EventBusEndpoints endpoints, EventBusSettings? settings = null, TimeProvider? clock = null)
    {
        Endpoints = endpoints;
        _settings = settings ?? new EventBusSettings();
        _publisher = new EventPublisher(endpoints.Pull, _settings, clock);
        _detector = new PullFramingDetector(endpoints, _settings, clock);
    }

    public EventBusEndpoints Endpoints { get; }

    /// <summary>
    /// Fires one event on a fresh connection and returns the framing used. The stamp follows the framing: the
    /// newest line (prefixed) writes <c>+00:00</c>, 3006/3007 (bare) do not.
    /// </summary>
    public async Task<PullFraming> FireAsync(string tag, PayloadMap data, PullFraming framing = PullFraming.Auto, CancellationToken cancellationToken = default)
    {
        var resolved = await _detector.ResolveAsync(framing, cancellationToken).ConfigureAwait(false);
        await _publisher.FireAsync(tag, data, resolved, stampWithOffset: resolved == PullFraming.Prefixed, cancellationToken).ConfigureAwait(false);
        return resolved;
    }

    /// <summary>Forgets the framing learned for this master, so that the next event probes again.</summary>
    public void ForgetFraming() => PullFramingDetector.Forget(Endpoints.Pull);

    /// <summary>Starts listening to the pub stream; dispose the subscriber to stop.</summary>
    public Task<EventSubscriber> SubscribeAsync(CancellationToken cancellationToken = default) =>
        EventSubscriber.ConnectAsync(Endpoints.Pub, _settings, cancellationToken);

    /// <summary>
    /// Starts listening and returns once the master relays to this subscriber, for a caller with no second source of
    /// truth (a ping's answers exist only as events). Our connect completes in the kernel's backlog; the publisher adds
    /// a subscriber only when it accepts it, so an event fired in between is lost. A harmless probe event, fired again
    /// until it comes back on this subscription, closes that gap. Confirmed is false when none came back within the
    /// probe window; the subscriber is returned anyway.
    /// </summary>
    public async Task<(EventSubscriber Subscriber, bool Confirmed)> SubscribeConfirmedAsync(PullFraming framing, CancellationToken cancellationToken = default)
    {
        var subscriber = await SubscribeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var answered = await ProbeEcho.FirstAnsweredAsync(subscriber, [framing], FireAsync, _settings.ProbeWindow, cancellationToken).ConfigureAwait(false);
            return (subscriber, answered is not null);
        }
        catch
        {
            await subscriber.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

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

    /// <summary>Starts listening to the pub stream; dispose the subscriber to stop.</summary>
    public Task<EventSubscriber> SubscribeAsync(CancellationToken cancellationToken = default) =>
        EventSubscriber.ConnectAsync(Endpoints.Pub, _settings, cancellationToken);
}

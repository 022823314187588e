namespace SaltBatch.Core.Bus;

/// <summary>Limits and deadlines for talking to the event bus; the defaults follow Salt's own.</summary>
public sealed record EventBusSettings
{
    /// <summary>Salt's <c>max_event_size</c> default; larger data is refused rather than trimmed (reference §7.5).</summary>
    public const int DefaultMaxEventSize = 1_048_576;

    /// <summary>Salt gives up connecting to the pull socket after one second (reference §7.2).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long probe events are fired again before the master is taken as not relaying them: long enough for a busy
    /// master that registers its pub subscribers seconds late.
    /// </summary>
    public TimeSpan ProbeWindow { get; init; } = TimeSpan.FromSeconds(5);

    public int MaxEventSize { get; init; } = DefaultMaxEventSize;

    /// <summary>
    /// The largest frame accepted from the pub stream. Other daemons' events are not trimmed to our limit, so allow
    /// headroom beyond <see cref="MaxEventSize"/> before treating a frame as garbage.
    /// </summary>
    public int MaxIncomingFrameSize { get; init; } = 16 * DefaultMaxEventSize;
}

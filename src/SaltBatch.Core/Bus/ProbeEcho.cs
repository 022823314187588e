using System.Diagnostics;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Bus;

/// <summary>
/// Fires harmless probe events until one comes back on a subscription: the one way to learn that the master relays to
/// that subscriber, and in which framing its pull side reads. A busy master registers a subscriber late, so a probe
/// that does not come back proves nothing by itself: it is fired again, with the waits growing, until one does or the
/// window ends. A probe in a framing the master does not read is dropped with its connection, harmlessly.
/// </summary>
internal static class ProbeEcho
{
    private static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestWait = TimeSpan.FromMilliseconds(400);

    /// <param name="framings">Fired once each per round, in this order, each followed by its wait.</param>
    /// <param name="fire">Fires one probe (tag, data) in one framing, on a connection of its own.</param>
    /// <returns>The framing of the first probe that came back, from any round; null when none did within <paramref name="window"/>.</returns>
    public static async Task<PullFraming?> FirstAnsweredAsync(
        EventSubscriber subscriber,
        IReadOnlyList<PullFraming> framings,
        Func<string, PayloadMap, PullFraming, CancellationToken, Task> fire,
        TimeSpan window,
        CancellationToken cancellationToken)
    {
        var fired = new Dictionary<string, PullFraming>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var wait = FirstWait;
        do
        {
            // Each framing gets its wait before the next is tried, so a master that answers the first never sees the
            // second; a late echo of any earlier probe still counts.
            foreach (var framing in framings)
            {
                var id = Guid.NewGuid().ToString("N");
                var tag = PullFramingDetector.ProbeTagPrefix + id;
                fired[tag] = framing;
                await fire(tag, new PayloadMap { { "probe", id } }, framing, cancellationToken).ConfigureAwait(false);
                if (await subscriber.WaitForAsync(e => fired.ContainsKey(e.Tag), wait, cancellationToken).ConfigureAwait(false) is { } echo)
                {
                    return fired[echo.Tag];
                }
            }

            wait = wait * 2 < LongestWait ? wait * 2 : LongestWait;
        }
        while (clock.Elapsed < window);

        return null;
    }
}

using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// How a stop is confirmed on any master: the <c>salt/batch/&lt;jid&gt;/halted</c> event, or a re-read that says
/// halted (every poll interval the follower asks for, in case the event is missed), before the deadline.
/// </summary>
public static class HaltConfirmation
{
    /// <returns>The halted state, or null when the deadline passed first; and the last state seen either way.</returns>
    public static async Task<(BatchSummary? Halted, BatchSummary? LastSeen)> WaitAsync(
        string jid, IBatchFollower follower, StopOptions options, Action<string> log, string stateSource, CancellationToken cancellationToken)
    {
        var haltedTag = BatchEvents.HaltedTag(jid);
        var deadline = DateTime.UtcNow + options.ConfirmTimeout;
        BatchSummary? lastSeen = null;
        while (true)
        {
            lastSeen = await follower.ReadAsync(jid, cancellationToken).ConfigureAwait(false) ?? lastSeen;
            if (lastSeen?.Halted == true)
            {
                log($"{stateSource} says halted ({lastSeen.HaltedReason}).");
                return (lastSeen, lastSeen);
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                return (null, lastSeen);
            }

            var poll = follower.PollInterval(options.PollInterval);
            var slice = remaining < poll ? remaining : poll;
            if (await follower.NextAsync(e => e.Tag == haltedTag, slice, cancellationToken).ConfigureAwait(false) is { } halted)
            {
                log($"Saw {haltedTag} (reason: {halted.Data.Get("reason") ?? "none"}).");
            }
        }
    }

    /// <summary>What the last read showed of a batch that did not halt in time, for the StopNotConfirmed message.</summary>
    /// <param name="stateSource">Where the state was read: ".batch.p", or "batch.status".</param>
    public static string DescribeNotHalted(BatchSummary? lastSeen, string stateSource) =>
        lastSeen is null
            ? $"{stateSource} could not be read"
            : $"{stateSource} still says halted=false ({lastSeen.Completed}/{lastSeen.Total} done, {lastSeen.Active} active, {lastSeen.Pending} pending)";
}

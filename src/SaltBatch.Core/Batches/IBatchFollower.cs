using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// Follows batches the way the master announces them: events say when to look, and re-reading the state covers
/// whatever the event stream misses. Dispose it to stop listening.
/// </summary>
public interface IBatchFollower : IAsyncDisposable
{
    /// <summary>False when the events could not be followed: the follower then only re-reads.</summary>
    bool IsListening { get; }

    /// <summary>
    /// How often to re-read the state when no event says to: <paramref name="blind"/> (what the caller would poll at
    /// with no events) where a re-read is cheap or no events come, longer where each re-read costs a call and events flow.
    /// </summary>
    TimeSpan PollInterval(TimeSpan blind);

    /// <summary>The batch's state now, or null when it cannot be read at this moment (a failed read only means "look again").</summary>
    Task<BatchSummary?> ReadAsync(string jid, CancellationToken cancellationToken);

    /// <summary>
    /// The states of several batches now, as cheaply as the master allows (by default one <see cref="ReadAsync"/>
    /// each); a JID that cannot be read at this moment is left out (look again).
    /// </summary>
    Task<IReadOnlyDictionary<string, BatchSummary>> ReadAllAsync(IReadOnlyCollection<string> jids, CancellationToken cancellationToken) =>
        ReadEachAsync(this, jids, new Dictionary<string, BatchSummary>(StringComparer.Ordinal), cancellationToken);

    /// <summary>Adds to <paramref name="states"/> each of <paramref name="jids"/> it lacks that <paramref name="follower"/> can read one by one.</summary>
    internal static async Task<IReadOnlyDictionary<string, BatchSummary>> ReadEachAsync(
        IBatchFollower follower, IEnumerable<string> jids, Dictionary<string, BatchSummary> states, CancellationToken cancellationToken)
    {
        foreach (var jid in jids.Where(jid => !states.ContainsKey(jid)))
        {
            if (await follower.ReadAsync(jid, cancellationToken).ConfigureAwait(false) is { } summary)
            {
                states[jid] = summary;
            }
        }

        return states;
    }

    /// <summary>
    /// The first event that satisfies <paramref name="match"/> within <paramref name="slice"/> (events before it are
    /// consumed), or null when the slice passes first — the caller's cue to re-read anyway.
    /// </summary>
    Task<MasterEvent?> NextAsync(Func<MasterEvent, bool> match, TimeSpan slice, CancellationToken cancellationToken);
}

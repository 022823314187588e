using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// A batch a master has taken on, however it was started: its first summary (every minion pending), the targeted
/// minions that did not answer the ping, those without an accepted key, and whether the <c>new</c> event went out.
/// </summary>
public sealed record StartedBatch(BatchSummary Summary, IReadOnlyList<string> Down, IReadOnlyList<string> Missing, SaltBatchException? NewEventFailure)
{
    public string Jid => Summary.Jid ?? string.Empty;
}

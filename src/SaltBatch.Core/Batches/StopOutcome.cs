using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Publish;

namespace SaltBatch.Core.Batches;

/// <summary>
/// What a stop did: the framing the event went out in and the kill publish (or why it failed) — both null when the
/// master's own runner did the work, through salt-api — and the final state.
/// </summary>
public sealed record StopOutcome(string Jid, PullFraming? Framing, PublishResult? Kill, SaltBatchException? KillFailure, BatchSummary? FinalState)
{
    /// <summary>True when the halt was observed (event or file); false when confirmation was not asked for.</summary>
    public bool Confirmed => FinalState?.Halted == true;
}

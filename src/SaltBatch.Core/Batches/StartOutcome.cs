using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>A batch handed to the master: the state written, the ping behind it, and whether the <c>new</c> event went out.</summary>
public sealed record StartOutcome(InitialBatchState State, PingResult Ping, string BatchStatePath, SaltBatchException? NewEventFailure)
{
    public string Jid => State.Jid;
}

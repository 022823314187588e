namespace SaltBatch.Core.Batches;

/// <summary>
/// What the ping before a batch found: the ping's own JID, the minions the master announced it to, those that
/// answered (in the announced order), those that did not, and listed ids the master has no key for.
/// </summary>
public sealed record PingResult(
    string Jid,
    IReadOnlyList<string> Announced,
    IReadOnlyList<string> Answered,
    IReadOnlyList<string> Down,
    IReadOnlyList<string> Missing,
    TimeSpan Elapsed);

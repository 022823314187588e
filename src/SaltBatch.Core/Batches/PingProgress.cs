namespace SaltBatch.Core.Batches;

/// <summary>How far a start's ping is: how many of the minions the master announced have answered, and how long it has waited.</summary>
public sealed record PingProgress(string Jid, int Announced, int Answered, TimeSpan Elapsed, TimeSpan Timeout);

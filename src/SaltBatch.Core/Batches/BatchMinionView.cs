using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// The minions one master shows of a batch: read from <c>.batch.p</c> as they are enumerated (this host), or as its
/// companion runner answered (salt-api); and what this view cannot tell, when the master could only offer less.
/// </summary>
/// <param name="Limitation">Null, or what is missing and how to get it, for a warning.</param>
public sealed record BatchMinionView(IEnumerable<BatchMinion> Minions, string? Limitation = null);

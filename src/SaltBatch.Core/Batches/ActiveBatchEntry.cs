using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// One JID of the active index: its summary; or why the runner would silently drop it; or a failure that is not
/// the batch's fault (permission denied) and must be reported.
/// </summary>
public sealed record ActiveBatchEntry(string Jid, BatchSummary? Summary, string? DroppedBecause = null, SaltBatchException? Failure = null);

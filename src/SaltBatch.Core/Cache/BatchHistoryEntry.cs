namespace SaltBatch.Core.Cache;

/// <summary>
/// One <c>.batch.p</c> found in the job cache: its summary, or the failure that kept it from being read (a damaged
/// file, a job directory this user may not enter). <see cref="Path"/> names the file, or the directory that could
/// not be listed.
/// </summary>
public sealed record BatchHistoryEntry(string Path, BatchSummary? Summary, SaltBatchException? Failure = null);

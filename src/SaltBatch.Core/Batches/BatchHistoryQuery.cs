using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// Which batches of the history are wanted. <see cref="Matches"/> decides; the raw filters are what a master that
/// filters for us (the companion runner's <c>history</c>) is asked, so less crosses the wire. Each given filter must
/// match; within one filter, any of its values may.
/// </summary>
/// <param name="Matches">The caller's own rule (PowerShell wildcards), applied to every summary whoever filtered first.</param>
public sealed record BatchHistoryQuery(Func<BatchSummary, bool> Matches)
{
    public IReadOnlyCollection<BatchRunState>? States { get; init; }

    public IReadOnlyList<string>? Functions { get; init; }

    public IReadOnlyList<string>? Targets { get; init; }

    public IReadOnlyList<string>? Users { get; init; }

    public DateTime? AfterUtc { get; init; }

    public DateTime? BeforeUtc { get; init; }
}

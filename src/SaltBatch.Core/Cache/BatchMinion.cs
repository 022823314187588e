using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Cache;

/// <summary>One minion of a batch as its <c>.batch.p</c> records it; the fields that do not apply to its state are null.</summary>
public sealed record BatchMinion(string Minion, BatchMinionState State)
{
    /// <summary>Active minions: when they were dispatched (Unix seconds).</summary>
    public double? DispatchedAt { get; init; }

    /// <summary>Failed minions: <c>timeout</c> or <c>failed</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>Done minions: the retcode, a per-function map collapsed as Salt's failhard check does (see <see cref="Retcode"/>).</summary>
    public long? Retcode { get; init; }

    /// <summary>Done minions whose retcode was a per-function map: that map as stored.</summary>
    public PayloadMap? RetcodeDetail { get; init; }

    /// <summary>What became of it; set by <see cref="Batches.BatchCatalog"/>, which knows whether the batch halted.</summary>
    public BatchMinionOutcome? Outcome { get; init; }

    /// <summary>Done minions, when returns were asked for: the stored <c>ret</c> as the payload reader decodes it.</summary>
    public object? Return { get; init; }
}

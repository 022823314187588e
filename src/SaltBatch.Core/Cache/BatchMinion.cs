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

    /// <summary>
    /// When returns were asked for: a done minion's stored <c>ret</c>, or, for a failed or timed-out minion, its return
    /// in the job cache (<c>return.p</c>), as the payload reader decodes it.
    /// </summary>
    public object? Return { get; init; }

    /// <summary>A timed-out minion whose return reached the job cache after the batch had given up on it.</summary>
    public bool LateReturn { get; init; }

    /// <summary>The outputter the minion named for its return (<c>out.p</c>), when returns were asked for.</summary>
    public string? Outputter { get; init; }

    /// <summary>Why the job cache's return could not be read; the rest of the minion stands.</summary>
    public SaltBatchException? ReturnFailure { get; init; }

    /// <summary>The highstate-style summary of a state run's return, when returns were asked for and it is one.</summary>
    public StateRun? States { get; init; }
}

namespace SaltBatch.Core.Cache;

/// <summary>
/// Which minions a per-minion walk of <c>.batch.p</c> yields, and whether it decodes their returns. Collections and
/// returns nobody asked for are skipped by seeking, never decoded.
/// </summary>
public sealed record BatchMinionQuery
{
    public static BatchMinionQuery All { get; } = new();

    /// <summary>The states wanted; null means every state.</summary>
    public IReadOnlySet<BatchMinionState>? States { get; init; }

    /// <summary>The outcomes wanted; null means every outcome. Only the collections that can hold them are walked.</summary>
    public IReadOnlySet<BatchMinionOutcome>? Outcomes { get; init; }

    /// <summary>Whether a minion id is wanted; null means every minion.</summary>
    public Func<string, bool>? MinionFilter { get; init; }

    /// <summary>Decode each wanted done minion's <c>ret</c>; off, returns cost a seek each.</summary>
    public bool IncludeReturn { get; init; }

    public bool Includes(BatchMinionState state) =>
        (States is null || States.Contains(state)) && (Outcomes is null || BatchMinionOutcomes.StatesFor(Outcomes).Contains(state));

    public bool Includes(BatchMinionOutcome outcome) => Outcomes is null || Outcomes.Contains(outcome);

    public bool Includes(string minion) => MinionFilter is null || MinionFilter(minion);
}

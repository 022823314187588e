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

    private readonly IReadOnlySet<BatchMinionOutcome>? _outcomes;
    private readonly IReadOnlySet<BatchMinionState>? _outcomeStates;

    /// <summary>The outcomes wanted; null means every outcome. Only the collections that can hold them are walked.</summary>
    public IReadOnlySet<BatchMinionOutcome>? Outcomes
    {
        get => _outcomes;
        init
        {
            _outcomes = value;
            _outcomeStates = value is null ? null : BatchMinionOutcomes.StatesFor(value);
        }
    }

    /// <summary>Whether a minion id is wanted; null means every minion.</summary>
    public Func<string, bool>? MinionFilter { get; init; }

    /// <summary>Decode each wanted done minion's <c>ret</c>; off, returns cost a seek each.</summary>
    public bool IncludeReturn { get; init; }

    public bool Includes(BatchMinionState state) =>
        (States is null || States.Contains(state)) && (_outcomeStates is null || _outcomeStates.Contains(state));

    public bool Includes(BatchMinionOutcome outcome) => Outcomes is null || Outcomes.Contains(outcome);

    public bool Includes(string minion) => MinionFilter is null || MinionFilter(minion);
}

namespace SaltBatch.Core.Batches;

/// <summary>
/// What a new batch targets, as Salt records it in <c>tgt</c>/<c>tgt_type</c>: one expression of a target type
/// (a glob by default), or a list of minion ids — from several targets, from the pipeline, or from
/// <c>list</c> with a comma-separated expression (as <c>salt -L a,b</c>).
/// </summary>
public sealed record BatchTarget
{
    /// <summary>The target types <c>salt</c> accepts for a batch (reference start-and-api §1.2).</summary>
    public static readonly IReadOnlyList<string> Types =
        ["glob", "pcre", "list", "grain", "grain_pcre", "pillar", "pillar_pcre", "nodegroup", "range", "compound", "ipcidr"];

    private BatchTarget(string type, string? expression, IReadOnlyList<string> minions)
    {
        Type = type;
        Expression = expression;
        Minions = minions;
    }

    public string Type { get; }

    /// <summary>The expression, for every type but <c>list</c>.</summary>
    public string? Expression { get; }

    /// <summary>The ids of a <c>list</c> target, in the order given, without repeats.</summary>
    public IReadOnlyList<string> Minions { get; }

    /// <summary>The <c>tgt</c> value: the expression, or the list of ids.</summary>
    public object Value => Type == "list" ? Minions.ToList<object?>() : Expression!;

    public override string ToString() => Type == "list" ? $"list {string.Join(",", Minions)}" : $"{Type} '{Expression}'";

    /// <param name="targets">The -Target values (given or piped), or the minion ids of -Minion.</param>
    /// <param name="type">The requested type; null means glob for one target and list for several.</param>
    /// <param name="isList">True when the targets are minion ids, which make a list target even when there is one.</param>
    /// <exception cref="SaltBatchException">InvalidArgument: no target, a blank one, an unknown type, or several targets with a non-list type.</exception>
    public static BatchTarget Create(IReadOnlyList<string> targets, string? type, bool isList)
    {
        if (targets.Count == 0 || targets.Any(string.IsNullOrWhiteSpace))
        {
            throw Invalid("A batch needs a target: a minion id, a glob such as 'web*', or an expression of -TargetType. Empty targets are not allowed.", null);
        }

        if (type is not null && !Types.Contains(type))
        {
            throw Invalid($"'{type}' is not a Salt target type; use one of {string.Join(", ", Types)}.", type);
        }

        if (isList || targets.Count > 1)
        {
            if (type is not null and not "list")
            {
                throw Invalid(
                    isList
                        ? $"Minion ids make a list target, but -TargetType is {type}; leave -TargetType out, or give one {type} expression with -Target."
                        : $"{targets.Count} targets ({string.Join(", ", targets)}) make a list target, but their target type is {type}; give one {type} expression, or leave -TargetType out for a list.",
                    type);
            }

            return new BatchTarget("list", null, Distinct(targets));
        }

        return (type ?? "glob") == "list"
            ? new BatchTarget("list", null, Distinct(targets[0].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            : new BatchTarget(type ?? "glob", targets[0], []);
    }

    private static IReadOnlyList<string> Distinct(IEnumerable<string> ids) => ids.Distinct(StringComparer.Ordinal).ToArray();

    private static SaltBatchException Invalid(string message, string? target) => new(SaltFailureKind.InvalidArgument, message, target);
}

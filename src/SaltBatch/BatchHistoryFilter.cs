using System.Management.Automation;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Cache;

namespace SaltBatch;

/// <summary>
/// The listing filters of <c>Get-SaltBatch</c>: states; PowerShell wildcards (case-insensitive) on function, target
/// and user; a creation window. Each given filter must match; within one filter, any of its values may.
/// </summary>
internal sealed class BatchHistoryFilter
{
    private readonly HashSet<BatchRunState>? _states;
    private readonly WildcardPattern[]? _functions;
    private readonly WildcardPattern[]? _targets;
    private readonly WildcardPattern[]? _users;
    private readonly DateTime? _afterUtc;
    private readonly DateTime? _beforeUtc;

    public BatchHistoryFilter(string[]? states, string[]? functions, string[]? targets, string[]? users, DateTime? after, DateTime? before)
    {
        _states = states?.Select(state => Enum.Parse<BatchRunState>(state, ignoreCase: true)).ToHashSet();
        _functions = Patterns(functions);
        _targets = Patterns(targets);
        _users = Patterns(users);
        _afterUtc = after is { } afterValue ? ToUtc(afterValue) : null;
        _beforeUtc = before is { } beforeValue ? ToUtc(beforeValue) : null;
        Query = new BatchHistoryQuery(Matches)
        {
            States = _states,
            Functions = functions,
            Targets = targets,
            Users = users,
            AfterUtc = _afterUtc,
            BeforeUtc = _beforeUtc,
        };
    }

    /// <summary>This filter for a master: the raw values for one that filters first, and <see cref="Matches"/> for every summary.</summary>
    public BatchHistoryQuery Query { get; }

    public bool Matches(BatchSummary summary) =>
        (_states is null || _states.Contains(summary.RunState))
        && MatchesAny(_functions, summary.Function)
        && MatchesAny(_targets, summary.Target)
        && MatchesAny(_users, summary.User)
        && (_afterUtc is null || summary.CreatedUtc > _afterUtc)
        && (_beforeUtc is null || summary.CreatedUtc < _beforeUtc);

    /// <summary>
    /// Get-Date and a cast like [datetime]'2024-06-10 03:00' give Local and Unspecified times; both mean the admin's
    /// clock, as ToUniversalTime takes them.
    /// </summary>
    private static DateTime ToUtc(DateTime value) =>
        value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime();

    private static WildcardPattern[]? Patterns(string[]? patterns) =>
        patterns?.Select(pattern => new WildcardPattern(pattern, WildcardOptions.IgnoreCase)).ToArray();

    private static bool MatchesAny(WildcardPattern[]? patterns, string? value) =>
        patterns is null || patterns.Any(pattern => pattern.IsMatch(value ?? string.Empty));
}

using System.Collections.Specialized;
using SaltBatch.Core.Cache;

namespace SaltBatch;

/// <summary>
/// One minion of a batch: where it stands (Pending, Active, Done, Failed), what became of it, and what its state records — dispatch
/// time, failure reason, retcode and, when asked for, its return.
/// </summary>
public sealed class SaltBatchMinionInfo
{
    internal SaltBatchMinionInfo(string jid, BatchMinion minion, string master)
    {
        Jid = jid;
        Master = master;
        Minion = minion.Minion;
        State = minion.State.ToString();
        Outcome = minion.Outcome?.ToString() ?? string.Empty;
        DispatchedAt = UnixTime.ToUtc(minion.DispatchedAt);
        Reason = minion.Reason;
        Retcode = minion.Retcode;
        RetcodeDetail = minion.RetcodeDetail is null ? null : PowerShellValues.Dictionary(minion.RetcodeDetail);
        Success = minion.Retcode is { } retcode ? retcode == 0 : null;
        Return = PowerShellValues.From(minion.Return);
        LateReturn = minion.LateReturn;
        Outputter = minion.Outputter;
        var ran = minion.States is { Errors.Count: 0 } states ? states : null;
        StatesSucceeded = ran?.Succeeded;
        StatesChanged = ran?.Changed;
        StatesFailed = ran?.Failed;
        FailedStates = minion.States?.FailedStates.Select(state => new SaltFailedState(minion.Minion, state)).ToArray() ?? [];
        StateErrors = minion.States?.Errors.ToArray() ?? [];
    }

    public string Jid { get; }

    /// <summary>The master the batch is on: a salt-api connection's name, or this host's name.</summary>
    public string Master { get; }

    public string Minion { get; }

    /// <summary><c>Pending</c>, <c>Active</c>, <c>Done</c> or <c>Failed</c>.</summary>
    public string State { get; }

    /// <summary>
    /// What became of it: <c>Succeeded</c> (retcode 0), <c>Failed</c> (non-zero retcode, or <c>failed: true</c>),
    /// <c>TimedOut</c>, <c>Running</c>, <c>NotStarted</c> (pending, also after a halt) or <c>Abandoned</c> (active
    /// when the batch halted). <see cref="State"/> stays the <c>.batch.p</c> collection, as the runner sees it.
    /// </summary>
    public string Outcome { get; }

    /// <summary>Active minions: when the master dispatched them (UTC).</summary>
    public DateTime? DispatchedAt { get; }

    /// <summary>Failed minions: <c>timeout</c> or <c>failed</c>.</summary>
    public string? Reason { get; }

    /// <summary>Done minions: the retcode; for a per-function retcode map, its largest value (non-numeric values count as 0).</summary>
    public long? Retcode { get; }

    /// <summary>Done minions whose retcode was a per-function map: that map, in stored order.</summary>
    public OrderedDictionary? RetcodeDetail { get; }

    /// <summary>Done minions: whether the retcode is 0.</summary>
    public bool? Success { get; }

    /// <summary>
    /// With <c>-IncludeReturn</c>, the return: done minions' from <c>.batch.p</c>, failed and timed-out minions' from
    /// the job cache (<c>return.p</c>) when they returned at all. Maps as ordered dictionaries (non-text keys kept as their
    /// value, a nil key as <c>[DBNull]::Value</c>), lists as arrays, undecodable text as <c>byte[]</c>.
    /// </summary>
    public object? Return { get; }

    /// <summary>With <c>-IncludeReturn</c>: a timed-out minion whose return reached the job cache after the batch gave up on it.</summary>
    public bool LateReturn { get; }

    /// <summary>With <c>-IncludeReturn</c>: the outputter the minion named for its return (<c>highstate</c>, <c>nested</c>, ...).</summary>
    public string? Outputter { get; }

    /// <summary>With <c>-IncludeReturn</c>, for a state run: states whose result was True (or None, as in test mode).</summary>
    public int? StatesSucceeded { get; }

    /// <summary>With <c>-IncludeReturn</c>, for a state run: states that changed something.</summary>
    public int? StatesChanged { get; }

    /// <summary>With <c>-IncludeReturn</c>, for a state run: states whose result was False.</summary>
    public int? StatesFailed { get; }

    /// <summary>With <c>-IncludeReturn</c>: the failed states in run order, with their comments.</summary>
    public SaltFailedState[] FailedStates { get; }

    /// <summary>With <c>-IncludeReturn</c>: why the states did not even compile (a rendering error), as Salt lists it.</summary>
    public string[] StateErrors { get; }
}

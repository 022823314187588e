using System.Collections.Specialized;
using SaltBatch.Core.Cache;

namespace SaltBatch;

/// <summary>
/// One minion of a batch: where it stands (Pending, Active, Done, Failed), what became of it, and what its state records — dispatch
/// time, failure reason, retcode and, when asked for, its return.
/// </summary>
public sealed class SaltBatchMinionInfo
{
    internal SaltBatchMinionInfo(string jid, BatchMinion minion)
    {
        Jid = jid;
        Minion = minion.Minion;
        State = minion.State.ToString();
        Outcome = minion.Outcome?.ToString() ?? string.Empty;
        DispatchedAt = UnixTime.ToUtc(minion.DispatchedAt);
        Reason = minion.Reason;
        Retcode = minion.Retcode;
        RetcodeDetail = minion.RetcodeDetail is null ? null : PowerShellValues.Dictionary(minion.RetcodeDetail);
        Success = minion.Retcode is { } retcode ? retcode == 0 : null;
        Return = PowerShellValues.From(minion.Return);
    }

    public string Jid { get; }

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
    /// With <c>-IncludeReturn</c>, done minions' return: maps as ordered dictionaries (non-text keys kept as their
    /// value, a nil key as <c>[DBNull]::Value</c>), lists as arrays, undecodable text as <c>byte[]</c>.
    /// </summary>
    public object? Return { get; }
}

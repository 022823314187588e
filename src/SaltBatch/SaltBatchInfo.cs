using SaltBatch.Core.Cache;

namespace SaltBatch;

/// <summary>
/// One batch as <c>salt-run batch.status</c> summarises it, with PowerShell-friendly types: UTC dates, a
/// <see cref="State"/> and a <see cref="PercentComplete"/>.
/// </summary>
public sealed class SaltBatchInfo
{
    internal SaltBatchInfo(BatchSummary summary, DateTimeOffset now, string master)
    {
        Master = master;
        Jid = summary.Jid;
        Function = summary.Function;
        Target = summary.Target;
        TargetType = summary.TargetType;
        Total = summary.Total;
        Completed = summary.Completed;
        Active = summary.Active;
        Pending = summary.Pending;
        Failed = summary.Failed;
        Succeeded = summary.Succeeded;
        Unsuccessful = summary.Unsuccessful;
        BatchSize = summary.BatchSize;
        Halted = summary.Halted;
        HaltedReason = summary.HaltedReason;
        Driver = summary.Driver;
        User = summary.User;
        RelaunchOf = summary.RelaunchOf;
        Created = summary.CreatedUtc;
        LastProgress = summary.LastProgressUtc;
        AgeSeconds = summary.AgeSeconds(now);
        ActiveMinions = [.. summary.ActiveMinions];
        State = summary.RunState.ToString();
        PercentComplete = summary.Total == 0
            ? (summary.IsFinished ? 100 : 0)
            : Math.Round(100.0 * (summary.Completed + summary.Failed) / summary.Total, 1);
    }

    public string? Jid { get; }

    public string? Function { get; }

    public string? Target { get; }

    public string? TargetType { get; }

    public long Total { get; }

    public long Completed { get; }

    public long Active { get; }

    public long Pending { get; }

    /// <summary>Minions in the runner's <c>failed</c>: timed out, or returned <c>failed: true</c>.</summary>
    public long Failed { get; }

    /// <summary>
    /// Completed minions whose retcode is 0. Null through salt-api, where the runner's summary has no retcodes.
    /// </summary>
    public long? Succeeded { get; }

    /// <summary>
    /// Everything that did not succeed: completed with a non-zero retcode (a failed state, a failing command) plus
    /// <see cref="Failed"/>. What <c>Get-SaltBatchMinion -Outcome Failed, TimedOut</c> lists. Null through salt-api.
    /// </summary>
    public long? Unsuccessful { get; }

    public long? BatchSize { get; }

    public bool Halted { get; }

    public string? HaltedReason { get; }

    public string? Driver { get; }

    public string? User { get; }

    /// <summary>The earlier batch that Restart-SaltBatch started this one from; null for any other batch.</summary>
    public string? RelaunchOf { get; }

    /// <summary>UTC.</summary>
    public DateTime? Created { get; }

    /// <summary>UTC.</summary>
    public DateTime? LastProgress { get; }

    /// <summary>Seconds since <see cref="LastProgress"/> when this object was read (the runner's <c>age_seconds</c>).</summary>
    public double? AgeSeconds { get; }

    /// <summary><see cref="AgeSeconds"/> as a time span, for comparing and formatting in PowerShell: <c>Where-Object Age -gt '00:10:00'</c>.</summary>
    public TimeSpan? Age => AgeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary><c>Running</c>, <c>Halted</c>, or <c>Complete</c> when nothing is pending or active.</summary>
    public string State { get; }

    /// <summary>Minions finished (completed or failed) as a percentage of the total.</summary>
    public double PercentComplete { get; }

    /// <summary>
    /// Minions dispatched and not yet returned: what <c>Stop-SaltBatch -Kill</c> targets. Empty through salt-api:
    /// the runner's summary counts them (<see cref="Active"/>) without naming them.
    /// </summary>
    public string[] ActiveMinions { get; }

    /// <summary>The master the batch is on: the salt-api connection's name, or this host's name for local reads. Piping the object on goes back to it.</summary>
    public string Master { get; }
}

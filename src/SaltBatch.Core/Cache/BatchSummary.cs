namespace SaltBatch.Core.Cache;

/// <summary>
/// The runner's summary of one batch (reference §5.4), computed without materialising minion returns, plus the
/// active minions (bounded by the batch size) that a kill needs to target.
/// </summary>
public sealed record BatchSummary
{
    public string? Jid { get; init; }

    public string? Function { get; init; }

    /// <summary>The target expression; list targets are joined with commas as <c>salt -L</c> takes them.</summary>
    public string? Target { get; init; }

    public string? TargetType { get; init; }

    public long Total { get; init; }

    public long Completed { get; init; }

    public long Active { get; init; }

    public long Pending { get; init; }

    public long Failed { get; init; }

    /// <summary>
    /// Of <see cref="Completed"/>, the minions whose retcode (collapsed as Salt's failhard check does) is not 0; null
    /// where only the runner's summary was available, which does not carry retcodes.
    /// </summary>
    public long? NonZeroRetcodes { get; init; }

    /// <summary>Done with retcode 0; null when <see cref="NonZeroRetcodes"/> is unknown.</summary>
    public long? Succeeded => Completed - NonZeroRetcodes;

    /// <summary>Done with a non-zero retcode, plus every minion in <c>failed</c> (timed out or <c>failed: true</c>).</summary>
    public long? Unsuccessful => NonZeroRetcodes + Failed;

    public long? BatchSize { get; init; }

    public bool Halted { get; init; }

    public string? HaltedReason { get; init; }

    public string? Driver { get; init; }

    public string? User { get; init; }

    /// <summary>The batch this one relaunched (<see cref="InitialBatchState.RelaunchOfKey"/>); null for any other batch.</summary>
    public string? RelaunchOf { get; init; }

    /// <summary>Unix seconds.</summary>
    public double? Created { get; init; }

    /// <summary>Unix seconds.</summary>
    public double? LastProgress { get; init; }

    /// <summary><see cref="Created"/> as a UTC instant; null when absent or out of DateTime's range.</summary>
    public DateTime? CreatedUtc => UnixTime.ToUtc(Created);

    /// <summary><see cref="LastProgress"/> as a UTC instant; null when absent or out of DateTime's range.</summary>
    public DateTime? LastProgressUtc => UnixTime.ToUtc(LastProgress);

    /// <summary>The minions dispatched and not yet returned, sorted as the runner passes them to a kill.</summary>
    public IReadOnlyList<string> ActiveMinions { get; init; } = [];

    /// <summary>Finished: halted, or nothing pending or active (reference §2.2).</summary>
    public bool IsFinished => Halted || (Pending == 0 && Active == 0);

    public BatchRunState RunState => Halted ? BatchRunState.Halted : IsFinished ? BatchRunState.Complete : BatchRunState.Running;

    /// <summary>Seconds since the last progress step, as the runner computes <c>age_seconds</c>; null when absent or zero.</summary>
    public double? AgeSeconds(DateTimeOffset now) =>
        LastProgress is { } last && last != 0 ? (now.ToUnixTimeMilliseconds() / 1000.0) - last : null;
}

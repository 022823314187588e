namespace SaltBatch.Core.Cache;

/// <summary>
/// What a batch was started with, as its <c>.batch.p</c> keeps it and the BatchManager publishes each sub-batch from
/// it (<c>run_job(fun, arg, kwarg=kwargs, ret, timeout)</c>): what a relaunch repeats.
/// </summary>
public sealed record BatchLaunch
{
    public string? Function { get; init; }

    /// <summary>The positional arguments of <c>arg</c>, in order: every element but the <c>{"__kwarg__": true}</c> maps.</summary>
    public IReadOnlyList<object?> Arguments { get; init; } = [];

    /// <summary>
    /// The keyword arguments the minion receives: those of <c>arg</c>'s <c>__kwarg__</c> maps, then <c>kwargs</c>,
    /// a later name replacing an earlier one as the minion's <c>load_args_and_kwargs</c> merges them.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, object?>> KeywordArguments { get; init; } = [];

    /// <summary>Minions at a time, as resolved when the batch started (a percentage is stored as its count).</summary>
    public long? BatchSize { get; init; }

    /// <summary>Seconds of cool-down per freed slot.</summary>
    public double BatchWait { get; init; }

    /// <summary>The per-minion timeout in seconds; null when the state has none (Salt then uses the master's).</summary>
    public double? Timeout { get; init; }

    public bool FailHard { get; init; }

    /// <summary>The returner (<c>ret</c>); empty for none.</summary>
    public string Returner { get; init; } = string.Empty;

    /// <summary>The batch this one relaunched, when SaltBatch started it as a relaunch.</summary>
    public string? RelaunchOf { get; init; }
}

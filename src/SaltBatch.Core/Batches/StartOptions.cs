using SaltBatch.Core.Bus;

namespace SaltBatch.Core.Batches;

/// <summary>What a new batch runs, on whom, how many at a time, and how long the ping and each minion may take.</summary>
public sealed record StartOptions
{
    /// <summary>
    /// The per-minion <c>timeout</c> written to the state. The BatchManager marks a minion <c>timeout</c> once it has run
    /// <c>timeout + gather_job_timeout</c> seconds, with no find_job check (§1.7); the salt CLI's 5 s default cuts off
    /// any real state run, so ours lets a long <c>state.apply</c> finish and still frees a dead minion's slot in time.
    /// </summary>
    public const int DefaultTimeoutSeconds = 1800;

    public required BatchTarget Target { get; init; }

    public required string Function { get; init; }

    public IReadOnlyList<object?> Arguments { get; init; } = [];

    /// <summary>Keyword arguments in the order given; sent as Salt's trailing <c>__kwarg__</c> map.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> KeywordArguments { get; init; } = [];

    public required BatchSizeSpec BatchSize { get; init; }

    public double BatchWait { get; init; }

    public bool FailHard { get; init; }

    public int TimeoutSeconds { get; init; } = DefaultTimeoutSeconds;

    /// <summary>How long to wait for ping answers; null for the master config's <c>timeout</c>, as the salt CLI waits.</summary>
    public TimeSpan? PingTimeout { get; init; }

    public string Returner { get; init; } = string.Empty;

    public PullFraming Framing { get; init; } = PullFraming.Auto;

    /// <summary>The JID of the batch this one relaunches, recorded in the new state; null for a fresh start.</summary>
    public string? RelaunchOf { get; init; }

    /// <summary><c>arg</c> as the salt CLI builds it: the positional arguments, then <c>{"__kwarg__": true, k: v, ...}</c> when there are keyword arguments.</summary>
    public IReadOnlyList<object?> SaltArguments()
    {
        if (KeywordArguments.Count == 0)
        {
            return Arguments;
        }

        var keywords = new Payload.PayloadMap(KeywordArguments.Count + 1) { { "__kwarg__", true } };
        foreach (var (name, value) in KeywordArguments)
        {
            keywords.Add(name, value);
        }

        return [.. Arguments, keywords];
    }
}

using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Cache;

/// <summary>
/// A new master-driven BatchState as <c>create_batch_state(opts, minions, jid, driver="master")</c> builds it
/// (reference §2.2, start-and-api §1.5), with every minion still pending: the master's BatchManager adopts it and
/// dispatches the first slots itself (§1.7, §1.12 design B).
/// </summary>
public sealed record InitialBatchState
{
    /// <summary>
    /// The key, beside Salt's 24, that names the batch a relaunch repeats. The genuine BatchManager reads the state
    /// into a dict and writes that dict back whole, so the key survives every step, and the runner ignores it.
    /// </summary>
    public const string RelaunchOfKey = "saltbatch_relaunch_of";

    public required string Jid { get; init; }

    /// <summary>The minions that answered the ping, in dispatch order.</summary>
    public required IReadOnlyList<string> Minions { get; init; }

    public required long BatchSize { get; init; }

    public required string Function { get; init; }

    /// <summary>Positional arguments, with keyword arguments as a trailing <c>{"__kwarg__": true, ...}</c> map as the salt CLI sends them.</summary>
    public IReadOnlyList<object?> Arguments { get; init; } = [];

    /// <summary>Text for an expression, or a list of ids for a list target.</summary>
    public required object Target { get; init; }

    public string TargetType { get; init; } = "glob";

    public bool FailHard { get; init; }

    /// <summary>Seconds of cool-down per freed slot; 0 is written as the integer 0, as <c>opts["batch_wait"] or 0</c> gives.</summary>
    public double BatchWait { get; init; }

    public required long Timeout { get; init; }

    public required long GatherJobTimeout { get; init; }

    /// <summary>Unix seconds; also the first <c>last_progress</c>.</summary>
    public required double Created { get; init; }

    public string Returner { get; init; } = string.Empty;

    public required string User { get; init; }

    /// <summary>The JID of the batch this one relaunches; null for a batch started afresh.</summary>
    public string? RelaunchOf { get; init; }

    /// <summary>The 24 keys in the order a new state is created (§2.2), then <see cref="RelaunchOfKey"/> for a relaunch.</summary>
    public PayloadMap ToPayloadMap()
    {
        var state = SaltKeys();
        if (RelaunchOf is not null)
        {
            state.Add(RelaunchOfKey, RelaunchOf);
        }

        return state;
    }

    private PayloadMap SaltKeys() => new()
    {
        { "jid", Jid },
        { "all_minions", Minions.ToList<object?>() },
        { "pending", Minions.ToList<object?>() },
        { "active", new PayloadMap() },
        { "done", new PayloadMap() },
        { "failed", new PayloadMap() },
        { "wait", new List<object?>() },
        { "batch_size", BatchSize },
        { "fun", Function },
        { "arg", Arguments.ToList() },
        { "kwargs", new PayloadMap() },
        { "tgt", Target },
        { "tgt_type", TargetType },
        { "failhard", FailHard },
        { "batch_wait", BatchWait == 0 ? 0L : (object)BatchWait },
        { "timeout", Timeout },
        { "gather_job_timeout", GatherJobTimeout },
        { "last_progress", Created },
        { "created", Created },
        { "halted", false },
        { "halted_reason", null },
        { "driver", "master" },
        { "ret", Returner },
        { "user", User },
    };

    /// <summary>The runner's summary of this state as written: running, every minion pending.</summary>
    public BatchSummary ToSummary() => new()
    {
        Jid = Jid,
        Function = Function,
        Target = Target as string ?? string.Join(",", (IEnumerable<object?>)Target),
        TargetType = TargetType,
        Total = Minions.Count,
        Pending = Minions.Count,
        BatchSize = BatchSize,
        Driver = "master",
        User = User,
        Created = Created,
        LastProgress = Created,
        RelaunchOf = RelaunchOf,
    };

    /// <summary>The bytes of <c>salt.payload.dumps(state)</c> (use_bin_type=False).</summary>
    public byte[] ToBytes() => PayloadWriter.Pack(ToPayloadMap(), useBinType: false);
}

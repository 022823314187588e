using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// A BatchState as the master's BatchManager writes it to <c>.batch.p</c>: the 24 keys of reference §2.2 in creation
/// order. Defaults describe a fresh master-driven batch; packing goes through the TestKit's BatchStateFixture.
/// </summary>
public sealed record BatchStateDocument
{
    public required string Jid { get; init; }

    public required IReadOnlyList<string> AllMinions { get; init; }

    public IReadOnlyList<string>? Pending { get; init; }

    /// <summary>Minion → dispatch time (Unix seconds); enumeration order is the written order.</summary>
    public IReadOnlyDictionary<string, double> Active { get; init; } = new Dictionary<string, double>();

    /// <summary>Minion → stored return, usually <see cref="Returned"/>.</summary>
    public IReadOnlyDictionary<string, object?> Done { get; init; } = new Dictionary<string, object?>();

    /// <summary>Minion → <c>"timeout"</c> or <c>"failed"</c>.</summary>
    public IReadOnlyDictionary<string, string> Failed { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<double> Wait { get; init; } = [];

    public long BatchSize { get; init; } = 1;

    public string Fun { get; init; } = "test.ping";

    public IReadOnlyList<object?> Arg { get; init; } = [];

    public PayloadMap Kwargs { get; init; } = new();

    /// <summary>Text for glob-style targets, or a list of ids for list targets.</summary>
    public object Tgt { get; init; } = "*";

    public string TgtType { get; init; } = "glob";

    public bool Failhard { get; init; }

    public double BatchWait { get; init; }

    public long Timeout { get; init; } = 60;

    public long GatherJobTimeout { get; init; } = 10;

    public double? LastProgress { get; init; }

    public double Created { get; init; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    public bool Halted { get; init; }

    public string? HaltedReason { get; init; }

    public string Driver { get; init; } = "master";

    public string Ret { get; init; } = string.Empty;

    public string User { get; init; } = "root";

    /// <summary>The <c>done</c> value the BatchManager records for a minion's return (reference §2.3).</summary>
    public static PayloadMap Returned(object? ret, long retcode = 0) => new() { { "ret", ret }, { "retcode", retcode } };

    /// <summary>The document, keys in creation order; <see cref="BatchStateFixture"/> owns that order.</summary>
    public PayloadMap ToPayloadMap() => ToFixture().ToPayloadMap();

    /// <summary>The bytes <c>salt.payload.dumps(state)</c> gives (use_bin_type=False).</summary>
    public byte[] ToBytes() => ToFixture().ToBytes();

    private BatchStateFixture ToFixture() => new(Jid)
    {
        AllMinions = [.. AllMinions],
        Pending = [.. Pending ?? AllMinions],
        Active = Ordered(Active),
        Done = Ordered(Done),
        Failed = Ordered(Failed),
        Wait = [.. Wait],
        BatchSize = BatchSize,
        Fun = Fun,
        Arg = [.. Arg],
        Kwargs = Kwargs,
        Tgt = Tgt,
        TgtType = TgtType,
        Failhard = Failhard,
        BatchWait = BatchWait == Math.Floor(BatchWait) ? (object)(long)BatchWait : BatchWait,
        Timeout = Timeout,
        GatherJobTimeout = GatherJobTimeout,
        LastProgress = LastProgress ?? Created,
        Created = Created,
        Halted = Halted,
        HaltedReason = HaltedReason,
        Driver = Driver,
        Ret = Ret,
        User = User,
    };

    private static OrderedDictionary<string, T> Ordered<T>(IReadOnlyDictionary<string, T> entries)
    {
        var ordered = new OrderedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            ordered[entry.Key] = entry.Value;
        }

        return ordered;
    }
}

using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit;

/// <summary>
/// A BatchState as <c>salt/utils/batch_state.py</c> holds it (reference §2.2), editable field by field, packed the
/// way the master writes <c>.batch.p</c>. Defaults are those of a freshly created state, except that the clock is
/// pinned to <see cref="DefaultCreated"/> so fixtures are reproducible.
/// </summary>
public sealed class BatchStateFixture
{
    /// <summary>2024-06-10T12:00:00Z, the instant of the reference's worked example (§2.8).</summary>
    public const double DefaultCreated = 1718020800.0;

    public BatchStateFixture(string jid)
    {
        Jid = jid;
    }

    public string Jid { get; set; }

    public List<string> AllMinions { get; set; } = [];

    public List<string> Pending { get; set; } = [];

    /// <summary>Minion → dispatch time (Unix seconds).</summary>
    public OrderedDictionary<string, double> Active { get; set; } = [];

    /// <summary>Minion → stored return, usually a <see cref="PayloadMap"/> with <c>ret</c> and <c>retcode</c> (§2.3).</summary>
    public OrderedDictionary<string, object?> Done { get; set; } = [];

    /// <summary>Minion → <c>"timeout"</c> or <c>"failed"</c>.</summary>
    public OrderedDictionary<string, string> Failed { get; set; } = [];

    public List<double> Wait { get; set; } = [];

    public long BatchSize { get; set; } = 1;

    public string Fun { get; set; } = "test.ping";

    public List<object?> Arg { get; set; } = [];

    public PayloadMap Kwargs { get; set; } = [];

    /// <summary>A string, or a list of strings for list targets.</summary>
    public object Tgt { get; set; } = "*";

    public string TgtType { get; set; } = "glob";

    public bool Failhard { get; set; }

    /// <summary>An int or a float: Salt stores whatever the caller passed, and the encoding differs.</summary>
    public object BatchWait { get; set; } = 0L;

    public long Timeout { get; set; } = 60;

    public long GatherJobTimeout { get; set; } = 10;

    public double LastProgress { get; set; } = DefaultCreated;

    public double Created { get; set; } = DefaultCreated;

    public bool Halted { get; set; }

    public string? HaltedReason { get; set; }

    public string Driver { get; set; } = "master";

    public string Ret { get; set; } = "";

    public string User { get; set; } = "root";

    /// <summary>The state as a map whose 24 keys are in the order a new state is created (§2.2).</summary>
    public PayloadMap ToPayloadMap() => new()
    {
        { "jid", Jid },
        { "all_minions", AllMinions.ToList<object?>() },
        { "pending", Pending.ToList<object?>() },
        { "active", ToMap(Active) },
        { "done", ToMap(Done) },
        { "failed", ToMap(Failed) },
        { "wait", Wait.Select(stamp => (object?)stamp).ToList() },
        { "batch_size", BatchSize },
        { "fun", Fun },
        { "arg", Arg },
        { "kwargs", Kwargs },
        { "tgt", Tgt },
        { "tgt_type", TgtType },
        { "failhard", Failhard },
        { "batch_wait", BatchWait },
        { "timeout", Timeout },
        { "gather_job_timeout", GatherJobTimeout },
        { "last_progress", LastProgress },
        { "created", Created },
        { "halted", Halted },
        { "halted_reason", HaltedReason },
        { "driver", Driver },
        { "ret", Ret },
        { "user", User },
    };

    /// <summary>The bytes of <c>salt.payload.dumps(state)</c>, i.e. use_bin_type=False.</summary>
    public byte[] ToBytes() => PayloadWriter.Pack(ToPayloadMap(), useBinType: false);

    /// <summary>
    /// A plausible mid-run state-apply batch: the first <paramref name="done"/> minions returned, the next
    /// <paramref name="failed"/> timed out or failed, the next <paramref name="active"/> are running and the rest
    /// are pending. Each return carries about <paramref name="returnBytes"/> bytes of state output; every third one
    /// has a per-function (map) retcode. The same arguments always give the same state.
    /// </summary>
    public static BatchStateFixture Generate(string jid, int total, int done, int active, int failed, int returnBytes, int seed)
    {
        if (done < 0 || active < 0 || failed < 0 || done + active + failed > total)
        {
            throw new ArgumentException("done + active + failed must not exceed total, and none may be negative.");
        }

        var random = new Random(seed);
        var minions = Enumerable.Range(1, total).Select(MinionId).ToList();
        var state = new BatchStateFixture(jid)
        {
            AllMinions = minions,
            BatchSize = Math.Max(1, active),
            Fun = "state.apply",
            Arg = ["nginx"],
            Kwargs = new PayloadMap { { "test", false }, { "pillar", new PayloadMap { { "release", "2024.06" } } } },
            Tgt = "web*",
            Timeout = 120,
            Ret = "",
        };

        var clock = DefaultCreated;
        foreach (var minion in minions.Take(done))
        {
            clock += Math.Round(random.NextDouble() * 4, 3);
            state.Done[minion] = StateApplyReturn(random, state.Done.Count, returnBytes);
        }

        foreach (var minion in minions.Skip(done).Take(failed))
        {
            state.Failed[minion] = random.Next(2) == 0 ? "timeout" : "failed";
        }

        foreach (var minion in minions.Skip(done + failed).Take(active))
        {
            clock += Math.Round(random.NextDouble(), 3);
            state.Active[minion] = clock;
        }

        state.Pending = minions.Skip(done + failed + active).ToList();
        state.LastProgress = clock + 0.25;
        return state;
    }

    /// <summary>The same state with the generated minion ids replaced, position by position, by <paramref name="ids"/>.</summary>
    public BatchStateFixture RenameMinions(IReadOnlyList<string> ids)
    {
        if (ids.Count != AllMinions.Count)
        {
            throw new ArgumentException($"{ids.Count} ids given for {AllMinions.Count} minions.");
        }

        var rename = AllMinions.Zip(ids).ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);
        AllMinions = [.. ids];
        Pending = Pending.Select(id => rename[id]).ToList();
        Active = Renamed(Active, rename);
        Done = Renamed(Done, rename);
        Failed = Renamed(Failed, rename);
        return this;
    }

    private static OrderedDictionary<string, TValue> Renamed<TValue>(OrderedDictionary<string, TValue> entries, Dictionary<string, string> rename)
    {
        var renamed = new OrderedDictionary<string, TValue>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            renamed[rename[key]] = value;
        }

        return renamed;
    }

    /// <summary>Mostly ASCII ids, with an occasional non-ASCII one because minion ids are arbitrary text.</summary>
    private static string MinionId(int number) =>
        number % 7 == 0 ? $"wéb{number:D3}.zürich.example" : $"web{number:D3}.dc{number % 3 + 1}.example.com";

    private static PayloadMap StateApplyReturn(Random random, int index, int returnBytes)
    {
        var changed = random.Next(4) == 0;
        var result = new PayloadMap
        {
            { "name", "nginx" },
            { "changes", changed ? new PayloadMap { { "nginx", new PayloadMap { { "old", "" }, { "new", "1.24.0-2" } } } } : new PayloadMap() },
            { "result", true },
            { "comment", new string('x', Math.Max(0, returnBytes)) },
            { "__sls__", "web.nginx" },
            { "__run_num__", (long)index },
            { "start_time", "12:00:00.123456" },
            { "duration", Math.Round(random.NextDouble() * 1000, 3) },
            { "__id__", "nginx" },
        };

        var ret = new PayloadMap { { "pkg_|-nginx_|-nginx_|-installed", result } };
        object retcode = index % 3 == 2
            ? new PayloadMap { { "state.apply", changed ? 2L : 0L } }
            : 0L;
        return new PayloadMap { { "ret", ret }, { "retcode", retcode } };
    }

    private static PayloadMap ToMap<TValue>(OrderedDictionary<string, TValue> entries)
    {
        var map = new PayloadMap(entries.Count);
        foreach (var (key, value) in entries)
        {
            map.Add(key, value);
        }

        return map;
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Platform;
using SaltBatch.Core.Publish;
using SaltBatch.Core.Tests.Peers;
using SaltBatch.Core.Tests.SimulatedMaster;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Batches;

/// <summary>
/// A batch started against the simulated master writes the <c>.batch.p</c> and index bytes, and fires the <c>new</c>
/// payload, that the reference peer (tests/peers/batch_state_peer.py: upstream's create_batch_state, add_to_active_index
/// and new_payload on python3-msgpack) produces for the same batch.
/// </summary>
public sealed class BatchStartInteropTests
{
    private const string EarlierJid = "20240610120000000000";

    private static readonly string[] Minions = [.. Enumerable.Range(1, 100).Select(n => $"web{n:D3}"), "db1", "wéb-ünï"];

    public static TheoryData<string, StartCase> Cases => new()
    {
        { "glob, 50%, defaults", new StartCase(["web0*"], null, "50%") },
        { "29% of 100 is 28 in Python's float arithmetic", new StartCase(["web*"], null, "29%") },
        { "tiny percentage rounds up to 1", new StartCase(["web00*"], null, "5%") },
        {
            "list, every option",
            new StartCase(["web003", "wéb-ünï", "web001"], null, "2")
            {
                Arguments = ["nginx", 5L, 0.5, true, null, new List<object?> { "a", 1L }, new PayloadMap { { "k", "v" } }],
                Keywords = [new("test", true), new("pillar", new PayloadMap { { "release", "2024.06" } })],
                BatchWait = 2.5,
                FailHard = true,
                Timeout = 120,
                Returner = "mysql",
            }
        },
        { "comma-separated list expression", new StartCase(["db1,web002"], "list", "100%") { BatchWait = 3 } },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task StateIndexAndNewPayloadMatchThePeer(string title, StartCase start)
    {
        Assert.NotEmpty(title);
        var masterUser = UnixAccounts.EffectiveUserName();
        using var bed = new MasterTestBed(options => options with { AcceptedMinions = Minions, MasterUser = masterUser });
        bed.Master.ActiveIndex.Add(EarlierJid);
        var bus = new MasterEventBus(EventBusEndpoints.InSocketDirectory(bed.Master.SocketDirectory));
        await using var listener = await bus.SubscribeAsync();
        var starter = new BatchStarter(
            bed.Master.Layout,
            masterUser,
            gatherJobTimeout: 10,
            masterTimeout: TimeSpan.FromSeconds(5),
            bus,
            () => (new PublishClient(RequestServerOptions.ForMaster("127.0.0.1", bed.Master.RetPort) with { TryTimeout = MasterTestBed.Deadline, Tries = 1 }, null),
                   KeyResolver.Resolve(bed.Master.CacheDirectory, masterUser)),
            _ => { });

        var started = await starter.StartAsync(start.ToOptions(), progress: null, CancellationToken.None);
        var fired = await listener.WaitForAsync(e => e.Tag == BatchEvents.NewTag(started.Jid), MasterTestBed.Deadline);
        var writtenPath = bed.Master.Layout.BatchStatePath(started.Jid);
        var written = (PayloadMap)PayloadReader.ReadDocument(File.ReadAllBytes(writtenPath), TextDecoding.FileSemantics)!;
        var pending = ((List<object?>)written.Get("pending")!).Cast<string>().ToArray();

        using var reference = new TempDirectory();
        var expectedNewPayload = PythonPeer.Run(
            [PythonPeer.Script("batch_state_peer.py"), "create", reference.Path, "sha256"],
            start.PeerSpec(started.Jid, pending, started.Summary.Created!.Value, masterUser, [EarlierJid])).Trim();
        var referenceLayout = new JobCacheLayout(reference.Path, "sha256");

        Assert.Equal(Hex.Of(File.ReadAllBytes(referenceLayout.BatchStatePath(started.Jid))), Hex.Of(File.ReadAllBytes(writtenPath)));
        Assert.Equal(Hex.Of(File.ReadAllBytes(referenceLayout.ActiveIndexPath)), Hex.Of(File.ReadAllBytes(bed.Master.Layout.ActiveIndexPath)));
        Assert.NotNull(fired);
        Assert.Equal("_stamp", fired.Data.Last().Key);
        var withoutStamp = new PayloadMap();
        foreach (var (key, value) in fired.Data.Where(entry => entry.Key as string != "_stamp"))
        {
            withoutStamp.Add(key, value);
        }

        Assert.Equal(expectedNewPayload, Hex.Of(PayloadWriter.Pack(withoutStamp, useBinType: true)));
    }

    /// <summary>What a caller asks for; the peer gets the same, as the salt CLI's opts.</summary>
    public sealed record StartCase(string[] Targets, string? TargetType, string BatchSize)
    {
        public IReadOnlyList<object?> Arguments { get; init; } = [];

        public IReadOnlyList<KeyValuePair<string, object?>> Keywords { get; init; } = [];

        public double BatchWait { get; init; }

        public bool FailHard { get; init; }

        public int Timeout { get; init; } = StartOptions.DefaultTimeoutSeconds;

        public string Returner { get; init; } = string.Empty;

        public StartOptions ToOptions() => new()
        {
            Target = BatchTarget.Create(Targets, TargetType, isList: false),
            Function = "state.apply",
            Arguments = Arguments,
            KeywordArguments = Keywords,
            BatchSize = BatchSizeSpec.Parse(BatchSize),
            BatchWait = BatchWait,
            FailHard = FailHard,
            TimeoutSeconds = Timeout,
            PingTimeout = MasterTestBed.Deadline,
            Returner = Returner,
        };

        /// <summary>The CLI's opts for this batch; floats travel as text so JSON cannot turn 2.0 into 2.</summary>
        public string PeerSpec(string jid, IReadOnlyList<string> minions, double created, string user, string[] existingIndex)
        {
            var target = BatchTarget.Create(Targets, TargetType, isList: false);
            var spec = new JsonObject
            {
                ["jid"] = jid,
                ["minions"] = new JsonArray(minions.Select(m => (JsonNode)m).ToArray()),
                ["now"] = created.ToString("R", CultureInfo.InvariantCulture),
                ["existing_index"] = new JsonArray(existingIndex.Select(j => (JsonNode)j).ToArray()),
                ["opts"] = new JsonObject
                {
                    ["batch"] = BatchSize,
                    ["fun"] = "state.apply",
                    ["arg"] = Json(Arguments),
                    ["kwarg"] = new JsonArray(Keywords.Select(k => (JsonNode)new JsonArray(k.Key, Json(k.Value))).ToArray()),
                    ["tgt"] = Json(target.Value),
                    ["tgt_type"] = target.Type,
                    ["failhard"] = FailHard,
                    ["batch_wait"] = BatchWait.ToString("R", CultureInfo.InvariantCulture),
                    ["timeout"] = Timeout,
                    ["gather_job_timeout"] = 10,
                    ["ret"] = string.Empty,
                    ["return"] = Returner,
                    ["user"] = user,
                },
            };
            return spec.ToJsonString();
        }

        private static JsonNode? Json(object? value) => value switch
        {
            null => null,
            PayloadMap map => new JsonObject(map.Select(entry => KeyValuePair.Create((string)entry.Key!, Json(entry.Value)))),
            string text => text,
            IEnumerable<object?> items => new JsonArray(items.Select(Json).ToArray()),
            bool flag => flag,
            long number => number,
            double number => JsonNode.Parse(number.ToString("R", CultureInfo.InvariantCulture).Contains('.', StringComparison.Ordinal) ? number.ToString("R", CultureInfo.InvariantCulture) : number.ToString("F1", CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException($"no JSON for {value.GetType()}"),
        };
    }
}

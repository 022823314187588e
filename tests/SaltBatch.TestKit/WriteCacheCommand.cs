using System.Text.Json;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit;

/// <summary>
/// <c>write-cache --spec FILE --cachedir DIR</c>: writes a master job cache from a JSON spec, so Pester tests get
/// files exactly as Salt's payload.dumps writes them. Spec: <c>hashType</c>; <c>batches</c> (jid, fun, tgt, tgtType,
/// <c>minions</c> list or <c>total</c>, done, failed, active, batchSize, halted, haltedReason, driver, user, created,
/// lastProgress, returnBytes, and for chosen done minions <c>retcodes</c>: minion → JSON value stored as its retcode,
/// objects becoming maps, and <c>returns</c>: minion → hex of the msgpack of its <c>ret</c>, e.g. from the Python peer's
/// pack-json, for returns JSON cannot express); <c>activeIndex</c> (JIDs, written in the order given);
/// <c>rawBatchFiles</c> (jid + hex bytes written verbatim as its .batch.p, for broken files); <c>nonBatchJobs</c> (a
/// count of ordinary job directories to generate around the batches, see <see cref="NonBatchJobFixture"/>).
/// </summary>
internal static class WriteCacheCommand
{
    public const string Name = "write-cache";
    public const string Usage = "write-cache --spec FILE.json --cachedir DIR";

    public static int Run(string[] args)
    {
        var specPath = OptionValue(args, "--spec");
        var cacheDir = OptionValue(args, "--cachedir");
        using var spec = JsonDocument.Parse(File.ReadAllText(specPath));
        var root = spec.RootElement;
        var hashType = root.TryGetProperty("hashType", out var hash) ? hash.GetString()! : "sha256";
        var layout = new JobCacheLayout(cacheDir, hashType);
        Directory.CreateDirectory(cacheDir);
        if (root.TryGetProperty("nonBatchJobs", out var nonBatchJobs))
        {
            NonBatchJobFixture.Write(layout, nonBatchJobs.GetInt32());
        }

        foreach (var batch in Elements(root, "batches"))
        {
            CacheFixture.WriteBatch(layout, FixtureFrom(batch));
        }

        foreach (var raw in Elements(root, "rawBatchFiles"))
        {
            var path = layout.BatchStatePath(raw.GetProperty("jid").GetString()!);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, Convert.FromHexString(raw.GetProperty("hex").GetString()!));
        }

        if (root.TryGetProperty("activeIndex", out var index))
        {
            CacheFixture.WriteActiveIndex(layout, index.EnumerateArray().Select(jid => jid.GetString()!), sort: false);
        }

        return 0;
    }

    private static BatchStateFixture FixtureFrom(JsonElement batch)
    {
        var jid = batch.GetProperty("jid").GetString()!;
        var done = Int(batch, "done", 0);
        var active = Int(batch, "active", 0);
        var failed = Int(batch, "failed", 0);
        var returnBytes = Int(batch, "returnBytes", 16);
        BatchStateFixture fixture;
        if (batch.TryGetProperty("minions", out var minions))
        {
            var ids = minions.EnumerateArray().Select(id => id.GetString()!).ToList();
            fixture = BatchStateFixture.Generate(jid, ids.Count, done, active, failed, returnBytes, seed: 1).RenameMinions(ids);
        }
        else
        {
            fixture = BatchStateFixture.Generate(jid, Int(batch, "total", 0), done, active, failed, returnBytes, seed: 1);
        }

        if (batch.TryGetProperty("fun", out var fun)) fixture.Fun = fun.GetString()!;
        if (batch.TryGetProperty("tgt", out var tgt)) fixture.Tgt = tgt.ValueKind == JsonValueKind.Array ? tgt.EnumerateArray().Select(t => (object?)t.GetString()).ToList() : tgt.GetString()!;
        if (batch.TryGetProperty("tgtType", out var tgtType)) fixture.TgtType = tgtType.GetString()!;
        if (batch.TryGetProperty("batchSize", out var batchSize)) fixture.BatchSize = batchSize.GetInt64();
        if (batch.TryGetProperty("halted", out var halted)) fixture.Halted = halted.GetBoolean();
        if (batch.TryGetProperty("haltedReason", out var reason)) fixture.HaltedReason = reason.GetString();
        if (batch.TryGetProperty("driver", out var driver)) fixture.Driver = driver.GetString()!;
        if (batch.TryGetProperty("user", out var user)) fixture.User = user.GetString()!;
        if (batch.TryGetProperty("created", out var created)) fixture.Created = created.GetDouble();
        if (batch.TryGetProperty("lastProgress", out var lastProgress)) fixture.LastProgress = lastProgress.GetDouble();
        foreach (var retcode in Properties(batch, "retcodes"))
        {
            StoredReturn(fixture, retcode.Name).Add("retcode", PayloadValue(retcode.Value));
        }

        foreach (var ret in Properties(batch, "returns"))
        {
            StoredReturn(fixture, ret.Name).Add("ret", PayloadReader.ReadDocument(Convert.FromHexString(ret.Value.GetString()!), TextDecoding.FileSemantics));
        }

        return fixture;
    }

    private static PayloadMap StoredReturn(BatchStateFixture fixture, string minion) =>
        fixture.Done.TryGetValue(minion, out var stored) && stored is PayloadMap map
            ? map
            : throw new ArgumentException($"'{minion}' is not a done minion of batch {fixture.Jid}; only done minions have a retcode and a return.");

    private static object? PayloadValue(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => json.EnumerateObject().Aggregate(new PayloadMap(), (map, property) =>
        {
            map.Add(property.Name, PayloadValue(property.Value));
            return map;
        }),
        JsonValueKind.Array => json.EnumerateArray().Select(PayloadValue).ToList(),
        JsonValueKind.String => json.GetString(),
        JsonValueKind.Number => json.TryGetInt64(out var integer) ? integer : json.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static IEnumerable<JsonProperty> Properties(JsonElement element, string name) =>
        element.TryGetProperty(name, out var map) && map.ValueKind == JsonValueKind.Object ? map.EnumerateObject() : [];

    private static IEnumerable<JsonElement> Elements(JsonElement root, string name) =>
        root.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    private static int Int(JsonElement element, string name, int fallback) =>
        element.TryGetProperty(name, out var value) ? value.GetInt32() : fallback;

    private static string OptionValue(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : throw new ArgumentException($"write-cache needs {name} <value>.");
    }
}

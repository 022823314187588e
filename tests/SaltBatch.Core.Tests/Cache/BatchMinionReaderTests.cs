using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Peers;
using SaltBatch.TestKit;

namespace SaltBatch.Core.Tests.Cache;

/// <summary>The per-minion walk of <c>.batch.p</c>: what each minion's entry says, streamed in file order.</summary>
public sealed class BatchMinionReaderTests : IDisposable
{
    private const string Jid = "20240610120000000000";

    private readonly CacheSandbox _cache = new();

    public void Dispose() => _cache.Dispose();

    [Fact]
    public void EveryMinionComesOnceWithItsStateAndFieldsInFileOrder()
    {
        var fixture = BatchStateFixture.Generate(Jid, total: 40, done: 15, active: 5, failed: 8, returnBytes: 50, seed: 3);
        _cache.Write(fixture);

        var minions = _cache.Catalog.GetMinions(Jid, BatchMinionQuery.All).ToList();

        var expected = fixture.Pending.Select(id => new BatchMinion(id, BatchMinionState.Pending))
            .Concat(fixture.Active.Select(entry => new BatchMinion(entry.Key, BatchMinionState.Active) { DispatchedAt = entry.Value }))
            .Concat(fixture.Done.Select(entry => new BatchMinion(entry.Key, BatchMinionState.Done) { Retcode = GeneratedRetcode(entry.Value) }))
            .Concat(fixture.Failed.Select(entry => new BatchMinion(entry.Key, BatchMinionState.Failed) { Reason = entry.Value }));
        Assert.Equal(expected, minions.Select(minion => minion with { RetcodeDetail = null, Outcome = null }));
        Assert.Equal(fixture.AllMinions.Order(StringComparer.Ordinal), minions.Select(minion => minion.Minion).Order(StringComparer.Ordinal));
        Assert.Contains(minions, minion => minion.Reason == "timeout");
        Assert.Contains(minions, minion => minion.Reason == "failed");
        Assert.Contains(minions, minion => minion.Retcode == 2);
    }

    [Fact]
    public void MapRetcodesKeepTheirDetailAndCountAsTheirLargestValue()
    {
        var fixture = BatchStateFixture.Generate(Jid, total: 9, done: 9, active: 0, failed: 0, returnBytes: 10, seed: 3);
        _cache.Write(fixture);

        var done = _cache.Catalog.GetMinions(Jid, BatchMinionQuery.All).ToList();

        foreach (var (minion, stored) in done.Zip(fixture.Done.Values.Cast<PayloadMap>()))
        {
            var retcode = stored.Get("retcode");
            Assert.Equal(retcode is PayloadMap ? TaggedJson.Serialize(retcode) : null, minion.RetcodeDetail is null ? null : TaggedJson.Serialize(minion.RetcodeDetail));
        }

        Assert.Equal(3, done.Count(minion => minion.RetcodeDetail is not null));
    }

    [Fact]
    public void RetcodesCollapseAsTheFailhardCheckReadsThem()
    {
        var fixture = new BatchStateFixture(Jid)
        {
            Done =
            {
                ["int"] = Stored(3L),
                ["negative"] = Stored(-1L),
                ["map"] = Stored(new PayloadMap { { "state.apply", 1L }, { "cmd.run", 5L }, { "test.ping", 2L } }),
                ["empty-map"] = Stored(new PayloadMap()),
                ["non-numeric"] = Stored("oops"),
                ["map-non-numeric"] = Stored(new PayloadMap { { "a", "x" }, { "b", null }, { "c", new PayloadMap { { "d", 9L } } } }),
                ["nil"] = Stored(null),
                ["missing"] = new PayloadMap { { "ret", true } },
                ["not-a-map"] = "just text",
            },
        };
        fixture.AllMinions = [.. fixture.Done.Keys];
        _cache.Write(fixture);

        var retcodes = _cache.Catalog.GetMinions(Jid, BatchMinionQuery.All).ToDictionary(minion => minion.Minion, minion => minion.Retcode);

        Assert.Equal(
            new Dictionary<string, long?>
            {
                ["int"] = 3, ["negative"] = -1, ["map"] = 5, ["empty-map"] = 0, ["non-numeric"] = 0,
                ["map-non-numeric"] = 0, ["nil"] = 0, ["missing"] = 0, ["not-a-map"] = 0,
            },
            retcodes);
    }

    [Fact]
    public void ReturnsAreDecodedOnlyWhenAskedFor()
    {
        var fixture = BatchStateFixture.Generate(Jid, total: 6, done: 4, active: 1, failed: 1, returnBytes: 30, seed: 5);
        fixture.Done[fixture.AllMinions[0]] = new PayloadMap
        {
            { "retcode", 0L },
            { "ret", new PayloadMap { { 1L, new List<object?> { "a", new byte[] { 0xff, 0x00 } } }, { "nested", new PayloadMap { { "deep", 42L } } } } },
            { "out", "highstate" },
        };
        _cache.Write(fixture);

        var without = _cache.Catalog.GetMinions(Jid, BatchMinionQuery.All).ToList();
        var with = _cache.Catalog.GetMinions(Jid, new BatchMinionQuery { IncludeReturn = true }).ToList();

        Assert.All(without, minion => Assert.Null(minion.Return));
        var returned = with.Where(minion => minion.State == BatchMinionState.Done).ToList();
        Assert.Equal(
            fixture.Done.Values.Select(stored => TaggedJson.Serialize(((PayloadMap)stored!).Get("ret"))),
            returned.Select(minion => TaggedJson.Serialize(minion.Return)));
        Assert.All(with.Where(minion => minion.State != BatchMinionState.Done), minion => Assert.Null(minion.Return));
    }

    [Fact]
    public void AnOutcomeFilterWithReturnsDecodesTheReturnsOfTheWantedMinionsWhereverTheirRetcodeIs()
    {
        var fixture = BatchStateFixture.Generate(Jid, total: 5, done: 5, active: 0, failed: 0, returnBytes: 10, seed: 6);
        var minions = fixture.Done.Keys.ToList();
        fixture.Done[minions[0]] = new PayloadMap { { "ret", "ok before" }, { "retcode", 0L } };
        fixture.Done[minions[1]] = new PayloadMap { { "ret", "failed before" }, { "retcode", 2L } };
        fixture.Done[minions[2]] = new PayloadMap { { "retcode", new PayloadMap { { "state.apply", 1L } } }, { "ret", "failed after" } };
        fixture.Done[minions[3]] = new PayloadMap { { "retcode", 0L }, { "ret", "ok after" } };
        fixture.Done[minions[4]] = new PayloadMap { { "ret", new string('x', 70_000) }, { "out", "txt" }, { "retcode", 1L } };
        _cache.Write(fixture);

        var failed = _cache.Catalog.GetMinions(Jid, new BatchMinionQuery
        {
            Outcomes = new HashSet<BatchMinionOutcome> { BatchMinionOutcome.Failed },
            IncludeReturn = true,
        }).ToList();

        Assert.Equal([minions[1], minions[2], minions[4]], failed.Select(minion => minion.Minion));
        Assert.Equal(["failed before", "failed after", new string('x', 70_000)], failed.Select(minion => minion.Return));
        Assert.Equal([2L, 1L, 1L], failed.Select(minion => minion.Retcode));
    }

    [Fact]
    public void StateAndMinionFiltersYieldOnlyWhatWasAskedFor()
    {
        var fixture = BatchStateFixture.Generate(Jid, total: 30, done: 10, active: 5, failed: 5, returnBytes: 20, seed: 8);
        _cache.Write(fixture);
        var query = new BatchMinionQuery
        {
            States = new HashSet<BatchMinionState> { BatchMinionState.Done, BatchMinionState.Failed },
            MinionFilter = minion => minion.Contains(".dc1.", StringComparison.Ordinal),
            IncludeReturn = true,
        };

        var minions = _cache.Catalog.GetMinions(Jid, query).ToList();

        var expected = fixture.Done.Keys.Concat(fixture.Failed.Keys).Where(minion => minion.Contains(".dc1.", StringComparison.Ordinal));
        Assert.Equal(expected, minions.Select(minion => minion.Minion));
        Assert.All(minions.Where(minion => minion.State == BatchMinionState.Done), minion => Assert.NotNull(minion.Return));
    }

    [Fact]
    public void MissingOrEmptyStateIsNotFoundNamingTheJidAndPath()
    {
        var missing = Assert.Throws<SaltBatchException>(() => _cache.Catalog.GetMinions(Jid, BatchMinionQuery.All).ToList());
        var emptyPath = _cache.WriteRaw(Jid, []);
        var empty = Assert.Throws<SaltBatchException>(() => _cache.Catalog.GetMinions(Jid, BatchMinionQuery.All).ToList());

        Assert.Equal(SaltFailureKind.NotFound, missing.Kind);
        Assert.Equal(SaltFailureKind.NotFound, empty.Kind);
        Assert.Contains($"No batch with JID {Jid}", missing.Message);
        Assert.Contains(emptyPath, empty.Message);
        Assert.Equal(Jid, empty.Target);
    }

    [Fact]
    public void InvalidJidFailsAtTheCallBeforeAnyFileIsTouched()
    {
        var catalog = new SaltBatch.Core.Batches.BatchCatalog(new JobCacheLayout("/nonexistent/saltbatch-cache", "sha256"));

        var failure = Assert.Throws<SaltBatchException>(() => catalog.GetMinions("../../etc/passwd", BatchMinionQuery.All));

        Assert.Equal(SaltFailureKind.InvalidJid, failure.Kind);
    }

    [Fact]
    public void DamageMidFileIsCorruptNamingThePathAfterTheMinionsBeforeIt()
    {
        var bytes = BatchStateFixture.Generate(Jid, total: 50, done: 30, active: 5, failed: 5, returnBytes: 200, seed: 2).ToBytes();
        var path = _cache.WriteRaw(Jid, bytes[..(bytes.Length / 2)]);
        var read = new List<BatchMinion>();

        var failure = Assert.Throws<SaltBatchException>(() => read.AddRange(_cache.Catalog.GetMinions(Jid, BatchMinionQuery.All)));

        Assert.Equal(SaltFailureKind.Corrupt, failure.Kind);
        Assert.Equal(path, failure.Target);
        Assert.Contains($"'{path}' is not a readable Salt batch file", failure.Message);
        Assert.Contains("truncated", failure.Message);
        Assert.Equal(10 + 5, read.Count(minion => minion.State is BatchMinionState.Pending or BatchMinionState.Active));
    }

    [Fact]
    public void TrailingBytesAfterTheStateAreCorrupt()
    {
        var bytes = new BatchStateFixture(Jid) { AllMinions = ["web1"], Pending = ["web1"] }.ToBytes();
        _cache.WriteRaw(Jid, [.. bytes, 0xc0]);

        var failure = Assert.Throws<SaltBatchException>(() => _cache.Catalog.GetMinions(Jid, BatchMinionQuery.All).ToList());

        Assert.Equal(SaltFailureKind.Corrupt, failure.Kind);
    }

    [Fact]
    public void ASectionOfTheWrongShapeIsCorrupt()
    {
        var state = new BatchStateFixture(Jid).ToPayloadMap();
        state.Add("failed", new List<object?> { "web1" });
        _cache.WriteRaw(Jid, PayloadWriter.Pack(state, useBinType: false));

        var failure = Assert.Throws<SaltBatchException>(() => _cache.Catalog.GetMinions(Jid, BatchMinionQuery.All).ToList());

        Assert.Equal(SaltFailureKind.Corrupt, failure.Kind);
        Assert.Contains("'failed' should be a map of minion to reason but is array", failure.Message);
    }

    private static PayloadMap Stored(object? retcode) => new() { { "ret", true }, { "retcode", retcode } };

    /// <summary>The generator stores 0 or <c>{"state.apply": 0|2}</c>.</summary>
    private static long GeneratedRetcode(object? stored) => ((PayloadMap)stored!).Get("retcode") switch
    {
        PayloadMap map => (long)map.Get("state.apply")!,
        var retcode => (long)retcode!,
    };
}

using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;
using SaltBatch.TestKit;

namespace SaltBatch.Core.Tests.Cache;

/// <summary>
/// A ~20 MB state (2,000 minions, 10 KB returns): minions arrive before the file is read through, and listing them
/// without returns allocates a small fraction of the file.
/// </summary>
public sealed class BatchMinionStreamingTests : IClassFixture<BatchMinionStreamingTests.LargeBatch>
{
    private const string Jid = "20240610120000000000";

    private readonly LargeBatch _batch;

    public BatchMinionStreamingTests(LargeBatch batch)
    {
        _batch = batch;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheFirstDoneMinionArrivesAfterReadingAFewKilobytes(bool includeReturn)
    {
        using var stream = File.OpenRead(_batch.Path);
        using var reader = new PayloadReader(stream);
        var query = new BatchMinionQuery { States = new HashSet<BatchMinionState> { BatchMinionState.Done }, IncludeReturn = includeReturn };

        using var minions = BatchMinionReader.Read(reader, query).GetEnumerator();
        Assert.True(minions.MoveNext());

        Assert.Equal(_batch.Fixture.Done.Keys.First(), minions.Current.Minion);
        Assert.Equal(includeReturn, minions.Current.Return is not null);
        Assert.True(_batch.Length > 15_000_000, $"the fixture is only {_batch.Length} bytes");
        Assert.True(stream.Position < 256 * 1024, $"read {stream.Position} of {_batch.Length} bytes before the first minion");
    }

    [Fact]
    public void ListingWithoutReturnsAllocatesAFractionOfTheFile()
    {
        var allocated = AllocatedWhileListing(BatchMinionQuery.All, out var count);

        Assert.Equal(_batch.Fixture.AllMinions.Count, count);
        Assert.True(allocated < 4 * 1024 * 1024, $"allocated {allocated} bytes listing a {_batch.Length}-byte state");
    }

    [Fact]
    public void ListingWithReturnsDecodesThemAll()
    {
        // The control for the test above: the measure does see returns when they are read.
        var allocated = AllocatedWhileListing(new BatchMinionQuery { IncludeReturn = true }, out _);

        Assert.True(allocated > _batch.Length / 2, $"allocated only {allocated} bytes decoding the returns of a {_batch.Length}-byte state");
    }

    private long AllocatedWhileListing(BatchMinionQuery query, out int count)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        count = 0;
        foreach (var minion in _batch.Cache.Catalog.GetMinions(Jid, query))
        {
            count++;
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    public sealed class LargeBatch : IDisposable
    {
        public LargeBatch()
        {
            Fixture = BatchStateFixture.Generate(Jid, total: 2000, done: 1900, active: 40, failed: 30, returnBytes: 10_000, seed: 11);
            Path = Cache.Write(Fixture);
            Length = new FileInfo(Path).Length;
        }

        public CacheSandbox Cache { get; } = new();

        public BatchStateFixture Fixture { get; }

        public string Path { get; }

        public long Length { get; }

        public void Dispose() => Cache.Dispose();
    }
}

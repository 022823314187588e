using SaltBatch.Core.Batches;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;
using SaltBatch.TestKit;

namespace SaltBatch.Core.Tests.Cache;

public sealed class BatchHistoryScannerTests : IDisposable
{
    private readonly string _cacheDir = Directory.CreateTempSubdirectory("saltbatch-history-").FullName;
    private readonly JobCacheLayout _layout;

    public BatchHistoryScannerTests()
    {
        _layout = new JobCacheLayout(_cacheDir, "sha256");
    }

    public void Dispose() => Directory.Delete(_cacheDir, recursive: true);

    [Fact]
    public void FindsExactlyTheBatchDirectoriesAmongOrdinaryJobs()
    {
        var ordinary = NonBatchJobFixture.Write(_layout, 600);
        string[] batchJids = ["20240610120000000000", "20240610120500000000", "20240610121000000000_77", "20240611000000000000"];
        foreach (var jid in batchJids)
        {
            WriteBatchJob(jid, created: 1718020800.0);
        }

        // A .batch.p anywhere but directly in a job directory is not Salt's, and the scan never descends that far.
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(_layout.JidDirectory(ordinary[0]))!, JobCacheLayout.BatchStateFileName), BatchBytes("20240101000000000000", 1));
        var minionFolder = Directory.GetDirectories(_layout.JidDirectory(ordinary[1])).Single();
        File.WriteAllBytes(Path.Combine(minionFolder, JobCacheLayout.BatchStateFileName), BatchBytes("20240101000000000001", 1));
        File.WriteAllBytes(Path.Combine(_layout.JidDirectory(ordinary[2]), CacheFixture.AtomicTempPrefix + "1a2b3c4d"), [0xc1]);
        File.WriteAllBytes(Path.Combine(_layout.JidDirectory(batchJids[0]), CacheFixture.AtomicTempPrefix + "5e6f7a8b"), [0xc1]);

        var entries = new BatchHistoryScanner(_layout).Scan().ToList();

        Assert.All(entries, entry => Assert.Null(entry.Failure));
        Assert.Equal(batchJids.Order(StringComparer.Ordinal), entries.Select(entry => entry.Summary!.Jid).Order(StringComparer.Ordinal));
        Assert.Equal(batchJids.Select(_layout.BatchStatePath).Order(StringComparer.Ordinal), entries.Select(entry => entry.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EachBrokenFileIsOneFailureNamingItAndTheScanGoesOn()
    {
        NonBatchJobFixture.Write(_layout, 50);
        string[] good = ["20240610120000000000", "20240610120500000000", "20240610121000000000"];
        foreach (var jid in good)
        {
            WriteBatchJob(jid, created: 1718020800.0);
        }

        var broken = new Dictionary<string, byte[]>
        {
            ["20240610130000000000"] = Convert.FromHexString("de0018a36a6964b432303234"),
            ["20240610130500000000"] = Convert.FromHexString("93010203"),
            ["20240610131000000000"] = [0xc1],
        };
        foreach (var (jid, bytes) in broken)
        {
            WriteRaw(jid, bytes);
        }

        WriteRaw("20240610131500000000", []);

        var entries = new BatchHistoryScanner(_layout).Scan().ToList();

        var failures = entries.Where(entry => entry.Failure is not null).ToList();
        Assert.Equal(broken.Keys.Select(_layout.BatchStatePath).Order(StringComparer.Ordinal), failures.Select(entry => entry.Path).Order(StringComparer.Ordinal));
        Assert.All(failures, entry =>
        {
            Assert.Equal(SaltFailureKind.Corrupt, entry.Failure!.Kind);
            Assert.Equal(entry.Path, entry.Failure.Target);
            Assert.Contains(entry.Path, entry.Failure.Message, StringComparison.Ordinal);
        });
        Assert.Equal(good.Order(StringComparer.Ordinal), entries.Where(entry => entry.Summary is not null).Select(entry => entry.Summary!.Jid).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ProgressCountsFirstLevelDirectoriesUpToTheTotal()
    {
        NonBatchJobFixture.Write(_layout, 300);
        WriteBatchJob("20240610120000000000", created: 1718020800.0);
        WriteRaw("20240610120500000000", [0xc1]);
        var reports = new List<BatchScanProgress>();

        _ = new BatchHistoryScanner(_layout).Scan(reports.Add).ToList();

        var total = Directory.GetDirectories(_layout.JobsDir).Length;
        Assert.Equal(total + 1, reports.Count);
        Assert.Equal(new BatchScanProgress(0, total, 0), reports[0]);
        Assert.Equal(new BatchScanProgress(total, total, 2), reports[^1]);
        Assert.True(reports[^1].IsComplete);
        Assert.Equal(100, reports[^1].PercentComplete);
        Assert.Equal(Enumerable.Range(0, total + 1), reports.Select(report => report.DirectoriesScanned));
    }

    [Fact]
    public void MissingJobsDirectoryIsNoHistory()
    {
        var reports = new List<BatchScanProgress>();

        Assert.Empty(new BatchHistoryScanner(_layout).Scan(reports.Add));
        Assert.Equal([new BatchScanProgress(0, 0, 0)], reports);
        Assert.True(reports[0].IsComplete);
    }

    [Fact]
    public void StopsWhenCancelled()
    {
        NonBatchJobFixture.Write(_layout, 20);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() => new BatchHistoryScanner(_layout).Scan(cancellationToken: cancellation.Token).ToList());
    }

    [Fact]
    public void HistoryIsNewestFirstWithTheJidBreakingTiesAndFailuresFirst()
    {
        NonBatchJobFixture.Write(_layout, 100);
        WriteBatchJob("20240610120000000000", created: 1718020800.0);
        WriteBatchJob("20240610130000000000", created: 1718024400.0);
        WriteBatchJob("20240610130000000001", created: 1718024400.0);
        WriteBatchJob("20240610140000000000", created: 1718028000.0, fun: "cmd.run");
        WriteRaw("20240610150000000000", PayloadWriter.Pack(WithoutCreated(BatchStateFixture.Generate("20240610150000000000", 1, 1, 0, 0, 8, seed: 1)), useBinType: false));
        WriteRaw("20240610160000000000", [0xc1]);

        var entries = new BatchCatalog(_layout).ListHistory(summary => summary.Function != "cmd.run").ToList();

        Assert.Equal(_layout.BatchStatePath("20240610160000000000"), entries[0].Path);
        Assert.Equal(SaltFailureKind.Corrupt, entries[0].Failure!.Kind);
        Assert.Equal(
            ["20240610130000000001", "20240610130000000000", "20240610120000000000", "20240610150000000000"],
            entries.Skip(1).Select(entry => entry.Summary!.Jid));
    }

    /// <summary>A batch's job directory as the master leaves it: the batch file beside the returner's files.</summary>
    private void WriteBatchJob(string jid, double created, string fun = "state.apply")
    {
        var directory = _layout.JidDirectory(jid);
        Directory.CreateDirectory(Path.Combine(directory, "web001.example.com"));
        File.WriteAllText(Path.Combine(directory, "jid"), jid);
        File.WriteAllBytes(Path.Combine(directory, "web001.example.com", "return.p"), PayloadWriter.Pack(true, useBinType: true));
        var fixture = BatchStateFixture.Generate(jid, total: 4, done: 1, active: 1, failed: 0, returnBytes: 8, seed: 1);
        fixture.Created = created;
        fixture.Fun = fun;
        CacheFixture.WriteBatch(_layout, fixture);
    }

    private void WriteRaw(string jid, byte[] bytes)
    {
        var path = _layout.BatchStatePath(jid);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    private static byte[] BatchBytes(string jid, int total) =>
        BatchStateFixture.Generate(jid, total, done: 0, active: 0, failed: 0, returnBytes: 8, seed: 1).ToBytes();

    private static PayloadMap WithoutCreated(BatchStateFixture fixture)
    {
        var map = new PayloadMap();
        foreach (var (key, value) in fixture.ToPayloadMap().Where(entry => !Equals(entry.Key, "created")))
        {
            map.Add(key, value);
        }

        return map;
    }
}

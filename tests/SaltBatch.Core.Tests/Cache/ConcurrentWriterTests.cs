using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Support;
using SaltBatch.TestKit;

namespace SaltBatch.Core.Tests.Cache;

/// <summary>
/// Readers against a master that keeps rewriting the files (reference §3.3): another process renames new versions
/// over <c>.batch.p</c> and <c>batch_active.p</c> thousands of times while readers read. Every read must be one of
/// the written versions, whole, and nothing may fail.
/// </summary>
public sealed class ConcurrentWriterTests : IDisposable
{
    private const string Jid = "20240610120000000000";
    private const int Rewrites = 2000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ReadersNeverSeeATornFileWhileAnotherProcessRewritesByRename()
    {
        var layout = new JobCacheLayout(_directory.Path, "sha256");
        var expectedSummaries = ChurnStates.Batches(Jid).Select(Summarise).ToList();
        var expectedIndexes = ChurnStates.Indexes(Jid);
        using var churn = TestKitProcess.Start("churn", "--cachedir", _directory.Path, "--jid", Jid, "--count", Rewrites.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("ready", await churn.ReadLineAsync(Patience));

        var readers = Enumerable.Range(0, 2).Select(reader => Blocking.Run(() =>
        {
            var reads = 0;
            var problems = new List<string>();
            while (!churn.HasExited)
            {
                try
                {
                    var summary = BatchSummaryReader.Read(layout.BatchStatePath(Jid));
                    if (summary is null || !expectedSummaries.Any(expected => Same(expected, summary)))
                    {
                        problems.Add($"summary {summary} is none of the written states");
                    }

                    var index = ActiveIndexReader.Read(layout.ActiveIndexPath, out _);
                    if (!expectedIndexes.Any(expected => expected.SequenceEqual(index)))
                    {
                        problems.Add($"index [{string.Join(", ", index)}] is none of the written indexes");
                    }
                }
                catch (Exception error)
                {
                    problems.Add(error.ToString());
                }

                reads++;
            }

            return (Reads: reads, Problems: problems);
        })).ToList();

        var (exitCode, errors) = await churn.WaitAsync(Patience);
        var results = await Task.WhenAll(readers).WaitAsync(Patience);

        Assert.True(exitCode == 0, errors);
        Assert.Empty(results.SelectMany(result => result.Problems).Take(5));
        Assert.True(results.Sum(result => result.Reads) >= 50, $"only {results.Sum(result => result.Reads)} reads overlapped the writes");
    }

    [Fact]
    public void AFileTruncatedInPlaceMidReadIsCorruptNotAnyOtherFailure()
    {
        var path = CacheFixture.WriteBatch(_directory.Path, "sha256", ChurnStates.Batches(Jid)[2]);
        var fullLength = new FileInfo(path).Length;
        Assert.True(fullLength > 100_000, "the state must span several reader buffers");

        var error = Assert.Throws<SaltBatchException>(() => BatchStateFile.Read(path, reader =>
        {
            // The first token fills the reader's buffer from the original file; the rest must come from disk.
            var header = reader.ReadToken();
            using (var truncating = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                truncating.SetLength(fullLength / 2);
            }

            reader.Skip(header);
            return header.ToString();
        }));

        Assert.Equal(SaltFailureKind.Corrupt, error.Kind);
        Assert.Equal(path, error.Target);
        Assert.Contains("truncated", error.Message);
    }

    private static BatchSummary Summarise(BatchStateFixture state)
    {
        using var reader = new PayloadReader(state.ToBytes());
        return BatchSummaryReader.Read(reader);
    }

    private static bool Same(BatchSummary expected, BatchSummary actual) =>
        expected with { ActiveMinions = [] } == actual with { ActiveMinions = [] }
        && expected.ActiveMinions.SequenceEqual(actual.ActiveMinions);
}

using SaltBatch.Core.Platform;

namespace SaltBatch.Core.Cache;

/// <summary>
/// Finds every batch still in the job cache by looking for <c>.batch.p</c> in each <c>jobs/&lt;xx&gt;/&lt;rest&gt;</c>
/// directory. Only the two directory levels are listed and the batch file is looked up by name: a busy master keeps
/// tens of thousands of ordinary job directories, each with a folder per minion, and none of that is read or listed.
/// </summary>
public sealed class BatchHistoryScanner
{
    private readonly JobCacheLayout _layout;

    public BatchHistoryScanner(JobCacheLayout layout)
    {
        _layout = layout;
    }

    /// <summary>
    /// Each batch file in directory order (ordinal), summarised by streaming, as it is found. A file that cannot be
    /// read is an entry with its failure and the scan goes on; an empty file is Salt's "no state" and is passed over.
    /// A missing <c>jobs/</c> directory means no history.
    /// </summary>
    /// <param name="progress">Called once before the first directory and after each first-level directory.</param>
    /// <exception cref="SaltBatchException">AccessDenied or CacheUnavailable when <c>jobs/</c> itself cannot be listed.</exception>
    public IEnumerable<BatchHistoryEntry> Scan(Action<BatchScanProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var buckets = ListJobsDirectory();
        var found = 0;
        progress?.Invoke(new BatchScanProgress(0, buckets.Length, found));
        for (var scanned = 0; scanned < buckets.Length; scanned++)
        {
            var (jobDirectories, bucketFailure) = ListBucket(buckets[scanned]);
            if (bucketFailure is not null)
            {
                yield return new BatchHistoryEntry(buckets[scanned], null, bucketFailure);
            }

            foreach (var jobDirectory in jobDirectories)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var path = Path.Combine(jobDirectory, JobCacheLayout.BatchStateFileName);
                if (File.Exists(path))
                {
                    found++;
                    if (Read(path) is { } entry)
                    {
                        yield return entry;
                    }
                }
                else if (IsDenied(jobDirectory))
                {
                    yield return new BatchHistoryEntry(path, null, CacheFile.AccessDenied(path));
                }
            }

            progress?.Invoke(new BatchScanProgress(scanned + 1, buckets.Length, found));
        }
    }

    private string[] ListJobsDirectory()
    {
        try
        {
            return Sorted(Directory.GetDirectories(_layout.JobsDir));
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
        catch (UnauthorizedAccessException exception)
        {
            throw CacheFile.AccessDenied(_layout.JobsDir, exception);
        }
        catch (IOException exception)
        {
            throw new SaltBatchException(SaltFailureKind.CacheUnavailable, $"Cannot list '{_layout.JobsDir}': {exception.Message}", _layout.JobsDir, exception);
        }
    }

    private static (string[] JobDirectories, SaltBatchException? Failure) ListBucket(string bucket)
    {
        try
        {
            return (Sorted(Directory.GetDirectories(bucket)), null);
        }
        catch (DirectoryNotFoundException)
        {
            // The master's job cleaner removed it while we scanned.
            return ([], null);
        }
        catch (UnauthorizedAccessException exception)
        {
            return ([], CacheFile.AccessDenied(bucket, exception));
        }
        catch (IOException exception)
        {
            return ([], new SaltBatchException(SaltFailureKind.CacheUnavailable, $"Cannot list '{bucket}': {exception.Message}", bucket, exception));
        }
    }

    /// <summary>
    /// File.Exists cannot tell "not there" from "not allowed to look", so a miss asks whether the directory may be
    /// entered; the existence check after that keeps a job cleaned up meanwhile from looking like a denial.
    /// </summary>
    private static bool IsDenied(string jobDirectory) =>
        !UnixAccounts.CanTraverse(jobDirectory) && Directory.Exists(jobDirectory);

    /// <summary>The batch's entry, or null for an empty file (Salt's "no state").</summary>
    private static BatchHistoryEntry? Read(string path)
    {
        try
        {
            return BatchSummaryReader.Read(path) is { } summary ? new BatchHistoryEntry(path, summary) : null;
        }
        catch (SaltBatchException exception)
        {
            return new BatchHistoryEntry(path, null, exception);
        }
    }

    private static string[] Sorted(string[] paths)
    {
        Array.Sort(paths, StringComparer.Ordinal);
        return paths;
    }
}

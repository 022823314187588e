namespace SaltBatch.Core.Cache;

/// <summary>How far a job-cache scan is: first-level directories (<c>jobs/&lt;h[0:2]&gt;</c>) done of all, and batch files seen.</summary>
public readonly record struct BatchScanProgress(int DirectoriesScanned, int DirectoriesTotal, int BatchesFound)
{
    public bool IsComplete => DirectoriesScanned == DirectoriesTotal;

    public int PercentComplete => DirectoriesTotal == 0 ? 100 : (int)(100L * DirectoriesScanned / DirectoriesTotal);
}

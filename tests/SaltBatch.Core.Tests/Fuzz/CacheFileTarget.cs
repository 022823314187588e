using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Tests.Fuzz;

/// <summary>The file readers the cmdlets call: any file content gives a result or a Corrupt <see cref="SaltBatchException"/>.</summary>
internal sealed class CacheFileTarget(string directory)
{
    public const string Name = "cache-file";

    private readonly string _path = Path.Combine(directory, ".batch.p");

    public void Check(byte[] input)
    {
        File.WriteAllBytes(_path, input);
        FuzzBudget.Run(Name, input, () => BatchSummaryReader.Read(_path), IsCorrupt);
        FuzzBudget.Run(Name, input, () => BatchStateReader.Read(_path), IsCorrupt);
        FuzzBudget.Run(Name, input, () => ActiveIndexReader.Read(_path, out _), IsCorrupt);
    }

    private static bool IsCorrupt(Exception failure) => failure is SaltBatchException { Kind: SaltFailureKind.Corrupt };
}

using BenchmarkDotNet.Attributes;
using SaltBatch.Core.Cache;

namespace SaltBatch.Benchmarks;

/// <summary>The core's streaming summary of one .batch.p, per file of the size grid.</summary>
[MemoryDiagnoser]
public class SummaryBenchmark
{
    /// <summary>Set by <see cref="Program"/> from the command line, since the grid's files are generated at run time.</summary>
    public static string[] Files { get; set; } = [];

    [ParamsSource(nameof(FileParameters))]
    public string File { get; set; } = string.Empty;

    public IEnumerable<string> FileParameters() => Files;

    [Benchmark]
    public long Summarise() => BatchSummaryReader.Read(File)!.Completed;
}

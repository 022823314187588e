using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SaltBatch.Benchmarks;

/// <summary>
/// <c>summary OUT.json FILE...</c>: BenchmarkDotNet over the files, results as JSON (mean seconds, allocated bytes).
/// <c>peak FILE WARMUP</c>: one JSON line with the peak-memory measurement of <see cref="PeakMemory"/>.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "peak" when args.Length == 3:
                Console.WriteLine(PeakMemory.Measure(args[1], args[2]));
                return 0;
            case "summary" when args.Length >= 3:
                return RunSummaryBenchmarks(args[1], args[2..]);
            default:
                Console.Error.WriteLine("usage: summary OUT.json FILE... | peak FILE WARMUP-FILE");
                return 2;
        }
    }

    private static int RunSummaryBenchmarks(string output, string[] files)
    {
        SummaryBenchmark.Files = files;
        // In-process and few iterations: the largest files take seconds per operation, and the grid has a dozen of them.
        var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(1).WithIterationCount(5).WithLaunchCount(1);
        var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summary = BenchmarkRunner.Run<SummaryBenchmark>(config);
        var results = summary.Reports.Select(report => new
        {
            file = (string)report.BenchmarkCase.Parameters["File"],
            meanSeconds = report.ResultStatistics is { } statistics ? statistics.Mean / 1e9 : double.NaN,
            allocatedBytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1,
        });
        File.WriteAllText(output, JsonSerializer.Serialize(results));
        return summary.Reports.All(report => report.Success) ? 0 : 1;
    }
}

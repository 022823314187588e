using System.Diagnostics;
using CsCheck;
using SaltBatch.Core.Tests.Support;
using Xunit.Abstractions;

namespace SaltBatch.Core.Tests.Fuzz;

/// <summary>
/// The long randomised campaign (docs/fuzzing.md): CsCheck samples fresh inputs for each target on all cores and
/// shrinks any failure to a minimal input. Excluded from CI by its category; run it with
/// <c>dotnet test tests/SaltBatch.Core.Tests -c Release --filter Category=FuzzCampaign</c>, sized by
/// <c>SALTBATCH_FUZZ_INPUTS</c> (total inputs, default 1,000,000).
/// </summary>
[Trait("Category", "FuzzCampaign")]
public sealed class FuzzCampaign(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Campaign()
    {
        var total = long.TryParse(Environment.GetEnvironmentVariable("SALTBATCH_FUZZ_INPUTS"), out var inputs) ? inputs : 1_000_000;
        var files = new CacheFileTarget(_directory.Path);

        // Shares reflect cost and value: the summary target runs three readers per input and is where SkipBuffered lives.
        Run(PayloadDecoderTarget.Name, FuzzInputs.For(FuzzSeeds.All), PayloadDecoderTarget.Check, total * 35 / 100);
        Run(BatchSummaryTarget.Name, FuzzInputs.For(FuzzSeeds.BatchStates), BatchSummaryTarget.Check, total * 40 / 100);
        Run(EventFrameTarget.Name, FuzzInputs.For([.. FuzzSeeds.EventBodies, .. FuzzSeeds.PubStreams]), EventFrameTarget.Check, total * 23 / 100);
        // Files cost a write each, so they get a small share, single-threaded (one file).
        Run(CacheFileTarget.Name, FuzzInputs.For(FuzzSeeds.BatchStates), files.Check, total * 2 / 100, threads: 1);
    }

    private void Run(string target, Gen<byte[]> inputs, Action<byte[]> check, long count, int threads = -1)
    {
        var stopwatch = Stopwatch.StartNew();
        inputs.Sample(check, writeLine: output.WriteLine, iter: count, threads: threads, print: Convert.ToHexStringLower);
        output.WriteLine($"{target}: {count} inputs in {stopwatch.Elapsed.TotalSeconds:0.0} s");
    }
}

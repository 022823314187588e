using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Fuzz;

/// <summary>
/// The fuzz properties in CI: the kept corpus and the real seeds, then a fixed sample of generated inputs (the same
/// every run, from fixed PCG seeds). The big randomised campaign is <see cref="FuzzCampaign"/>, outside CI.
/// </summary>
public sealed class FuzzRegressionTests : IDisposable
{
    private const int GeneratedPerTarget = 1500;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string> CorpusNames() => [.. FuzzCorpus.Load().Select(entry => entry.Name)];

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void CorpusInputHoldsEveryProperty(string name)
    {
        var input = FuzzCorpus.Load().Single(entry => entry.Name == name).Input;

        PayloadDecoderTarget.Check(input);
        BatchSummaryTarget.Check(input);
        EventFrameTarget.Check(input);
        new CacheFileTarget(_directory.Path).Check(input);
    }

    [Fact]
    public void RealSeedsHoldEveryProperty()
    {
        var files = new CacheFileTarget(_directory.Path);
        foreach (var seed in FuzzSeeds.All)
        {
            PayloadDecoderTarget.Check(seed);
            BatchSummaryTarget.Check(seed);
            EventFrameTarget.Check(seed);
            files.Check(seed);
        }
    }

    [Fact]
    public void FixedSampleOfPayloadInputs()
    {
        foreach (var input in FuzzInputs.Deterministic(FuzzInputs.For(FuzzSeeds.All), stream: 1, GeneratedPerTarget))
        {
            PayloadDecoderTarget.Check(input);
        }
    }

    [Fact]
    public void FixedSampleOfBatchStateInputs()
    {
        var files = new CacheFileTarget(_directory.Path);
        var index = 0;
        foreach (var input in FuzzInputs.Deterministic(FuzzInputs.For(FuzzSeeds.BatchStates), stream: 2, GeneratedPerTarget))
        {
            BatchSummaryTarget.Check(input);
            if (index++ % 10 == 0)
            {
                files.Check(input);
            }
        }
    }

    [Fact]
    public void FixedSampleOfEventInputs()
    {
        foreach (var input in FuzzInputs.Deterministic(FuzzInputs.For([.. FuzzSeeds.EventBodies, .. FuzzSeeds.PubStreams]), stream: 3, GeneratedPerTarget))
        {
            EventFrameTarget.Check(input);
        }
    }
}

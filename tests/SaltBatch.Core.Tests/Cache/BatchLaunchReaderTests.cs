using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Tests.Cache;

/// <summary>What a relaunch repeats of a <c>.batch.p</c>: its arguments split as the minion splits them.</summary>
public sealed class BatchLaunchReaderTests
{
    private static BatchLaunch Read(PayloadMap state)
    {
        using var reader = new PayloadReader(new MemoryStream(PayloadWriter.Pack(state, useBinType: false)));
        return BatchLaunchReader.Read(reader);
    }

    [Fact]
    public void KeywordMapsAreThoseWhoseMarkerIsExactlyTrueWhereverTheyStandAndKwargsComeLast()
    {
        var launch = Read(new PayloadMap
        {
            { "done", new PayloadMap { { "web1", new PayloadMap { { "ret", "x" }, { "retcode", 0L } } } } },
            { "fun", "state.apply" },
            { "arg", new List<object?> { "a", new PayloadMap { { "__kwarg__", true }, { "x", 1L } }, new PayloadMap { { "__kwarg__", 1L }, { "y", 2L } }, 3L } },
            { "kwargs", new PayloadMap { { "x", 9L }, { "z", 3L } } },
            { InitialBatchState.RelaunchOfKey, "20240611090000000000" },
        });

        Assert.Equal("state.apply", launch.Function);
        Assert.Equal(3, launch.Arguments.Count);
        Assert.Equal("a", launch.Arguments[0]);
        Assert.IsType<PayloadMap>(launch.Arguments[1]);
        Assert.Equal(3L, launch.Arguments[2]);
        Assert.Equal([KeyValuePair.Create<string, object?>("x", 9L), KeyValuePair.Create<string, object?>("z", 3L)], launch.KeywordArguments);
        Assert.Equal("20240611090000000000", launch.RelaunchOf);
    }

    [Fact]
    public void SettingsOfTheWrongTypeAreAbsentRatherThanGuessedAndFailhardIsPythonTruth()
    {
        var launch = Read(new PayloadMap
        {
            { "batch_size", true },
            { "batch_wait", "soon" },
            { "timeout", null },
            { "failhard", 1L },
            { "ret", null },
        });

        Assert.Null(launch.BatchSize);
        Assert.Equal(0, launch.BatchWait);
        Assert.Null(launch.Timeout);
        Assert.True(launch.FailHard);
        Assert.Equal(string.Empty, launch.Returner);
        Assert.Null(launch.Function);
    }
}

using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Tests.Cache;

/// <summary>The highstate summary of a return, and which returns have one.</summary>
public sealed class StateRunTests
{
    private static PayloadMap State(bool? result, long run, PayloadMap? changes = null, object? duration = null) => new()
    {
        { "result", result },
        { "comment", "c" + run },
        { "name", "n" + run },
        { "changes", changes ?? new PayloadMap() },
        { "__run_num__", run },
        { "duration", duration },
    };

    [Fact]
    public void TestModeNoneCountsAsSucceededChangesCountWhateverTheResultAndFailuresComeInRunOrder()
    {
        var run = StateRun.Of(new PayloadMap
        {
            { "file_|-b_|-/b_|-managed", State(false, 3, duration: "12.5 ms") },
            { "pkg_|-a_|-a_|-installed", State(null, 0) },
            { "cmd_|-c_|-c_|-run", State(false, 1, new PayloadMap { { "retcode", 1L } }, 4.25) },
            { "test_|-d_|-d_|-nop", State(true, 2) },
        });

        Assert.NotNull(run);
        Assert.Equal((2, 1, 2), (run.Succeeded, run.Changed, run.Failed));
        Assert.Equal(["c", "b"], run.FailedStates.Select(state => state.Id));
        Assert.Equal(["cmd.run", "file.managed"], run.FailedStates.Select(state => state.Function));
        Assert.Equal([4.25, 12.5], run.FailedStates.Select(state => state.Duration));
    }

    [Theory]
    [InlineData("not a state")]
    [InlineData(0L)]
    public void ReturnsOfOtherShapesHaveNoSummary(object ret)
    {
        Assert.Null(StateRun.Of(ret));
        Assert.Null(StateRun.Of(new PayloadMap { { "web1", new PayloadMap { { "result", true } } } }));
        Assert.Null(StateRun.Of(new PayloadMap()));
        Assert.Null(StateRun.Of(new List<object?> { "a", 1L }));
    }

    [Fact]
    public void AListOfMessagesIsTheErrorsThatKeptTheStatesFromCompiling()
    {
        var run = StateRun.Of(new List<object?> { "Rendering SLS 'base:web' failed" });

        Assert.Equal(["Rendering SLS 'base:web' failed"], run!.Errors);
        Assert.Equal(0, run.Succeeded + run.Failed);
    }

    [Theory]
    [InlineData("web1", true)]
    [InlineData("web1.example.com", true)]
    [InlineData("..", false)]
    [InlineData(".", false)]
    [InlineData("", false)]
    [InlineData("../../etc", false)]
    [InlineData("a/b", false)]
    [InlineData("a\0b", false)]
    public void OnlyOnePathComponentIsEverUsedAsAMinionDirectory(string minion, bool usable) =>
        Assert.Equal(usable, JobCacheReturnReader.IsPathComponent(minion));
}

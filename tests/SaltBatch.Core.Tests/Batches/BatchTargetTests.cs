using SaltBatch.Core.Batches;

namespace SaltBatch.Core.Tests.Batches;

public sealed class BatchTargetTests
{
    [Fact]
    public void OneTargetIsAGlobUnlessATypeIsGiven()
    {
        Assert.Equal(("glob", "web*"), Describe(BatchTarget.Create(["web*"], null, isList: false)));
        Assert.Equal(("compound", "G@os:Debian and web*"), Describe(BatchTarget.Create(["G@os:Debian and web*"], "compound", isList: false)));
    }

    [Fact]
    public void SeveralTargetsPipedIdsAndACommaListAreListsWithoutRepeats()
    {
        Assert.Equal(["web2", "web1"], BatchTarget.Create(["web2", "web1", "web2"], null, isList: false).Minions);
        Assert.Equal(["web1"], BatchTarget.Create(["web1"], null, isList: true).Minions);
        Assert.Equal(["web1", "db1"], BatchTarget.Create(["web1, db1,,web1"], "list", isList: false).Minions);
    }

    [Theory]
    [InlineData(new string[0], null, false)]
    [InlineData(new[] { " " }, null, false)]
    [InlineData(new[] { "web*" }, "regex", false)]
    [InlineData(new[] { "web1", "web2" }, "grain", false)]
    [InlineData(new[] { "web1" }, "glob", true)]
    public void RejectsWhatSaltCouldNotTarget(string[] targets, string? type, bool isList) =>
        Assert.Equal(SaltFailureKind.InvalidArgument, Assert.Throws<SaltBatchException>(() => BatchTarget.Create(targets, type, isList)).Kind);

    private static (string, object) Describe(BatchTarget target) => (target.Type, target.Value);
}

using System.Text.Json;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Tests.Peers;

namespace SaltBatch.Core.Tests.Batches;

public sealed class BatchSizeSpecTests
{
    private static readonly string[] Specs = ["1", "7", "250", "1%", "5%", "10%", "12.5%", "29%", "33%", "50%", "57%", "99%", "100%", "150%"];

    private static readonly int[] Counts = [0, 1, 2, 3, 7, 10, 33, 100, 101, 1000];

    [Fact]
    public void EverySizeEqualsThePeersGetBatchSize()
    {
        var cases = Specs.SelectMany(spec => Counts.Select(count => (Spec: spec, Count: count))).ToArray();

        var expected = PythonPeer.Run(
            [PythonPeer.Script("batch_state_peer.py"), "sizes"],
            JsonSerializer.Serialize(cases.Select(c => new object[] { c.Spec, c.Count }))).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(expected.Select(long.Parse), cases.Select(c => BatchSizeSpec.Parse(c.Spec).SizeFor(c.Count)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("+3")]
    [InlineData("2.5")]
    [InlineData("1e3")]
    [InlineData("%")]
    [InlineData("0%")]
    [InlineData("-5%")]
    [InlineData("5 %")]
    [InlineData("ten")]
    [InlineData(null)]
    public void RejectsWhatIsNotAPositiveCountOrPercentage(string? text)
    {
        Assert.Null(BatchSizeSpec.TryParse(text));
        Assert.Equal(SaltFailureKind.InvalidArgument, Assert.Throws<SaltBatchException>(() => BatchSizeSpec.Parse(text)).Kind);
    }
}

using SaltBatch.Core.Tests.Peers;
using SaltBatch.Core.Tests.Support;
using SaltBatch.TestKit;

namespace SaltBatch.Core.Tests.Payload;

/// <summary>A whole generated BatchState packs to the bytes <c>salt.payload.dumps</c> gives for the same state.</summary>
public class BatchStateInteropTests
{
    [Fact]
    public void GeneratedStateMatchesPythonDumps()
    {
        var fixture = BatchStateFixture.Generate("20240610120000000000", total: 50, done: 30, active: 5, failed: 4, returnBytes: 200, seed: 42);
        fixture.Wait = [1718020830.5, 1718020831.75];
        var map = fixture.ToPayloadMap();

        var expected = PythonPeer.SaltPayload(["pack-json", "false"], TaggedJson.Serialize(map)).Trim();

        Assert.Equal(expected, Hex.Of(fixture.ToBytes()));
    }

    [Fact]
    public void WorkedExampleMatchesPythonDumps()
    {
        var expected = PythonPeer.SaltPayload(["pack-json", "false"], TaggedJson.Serialize(WorkedExample.State().ToPayloadMap())).Trim();

        Assert.Equal(Hex.Of(WorkedExample.Bytes), expected);
    }
}

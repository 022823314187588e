using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Payload;
using SaltBatch.Core.Tests.Peers;
using SaltBatch.Core.Tests.Support;
using SaltBatch.TestKit;

namespace SaltBatch.Core.Tests.Fixtures;

public sealed class CacheFixtureTests : IDisposable
{
    private readonly string _cacheDir = Directory.CreateTempSubdirectory("saltbatch-cache-").FullName;

    public void Dispose() => Directory.Delete(_cacheDir, recursive: true);

    [Fact]
    public void BatchLandsInTheHashedJobDirectory()
    {
        var path = CacheFixture.WriteBatch(_cacheDir, "sha256", WorkedExample.State());

        Assert.Equal(Path.Combine(_cacheDir, "jobs", "68", "56cd3ef0adf7527bb45006bfac67c7f6131aca5155d009232ee26770e503b4", ".batch.p"), path);
        Assert.Equal(WorkedExample.Bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void ActiveIndexIsTheSortedDistinctJids()
    {
        var path = CacheFixture.WriteActiveIndex(_cacheDir, ["20240610120500000000", "20240610120000000000", "20240610120500000000"]);

        Assert.Equal(Path.Combine(_cacheDir, "batch_active.p"), path);
        Assert.Equal(
            Hex.Parse("92 b4" + Hex.Of("20240610120000000000"u8.ToArray()) + "b4" + Hex.Of("20240610120500000000"u8.ToArray())),
            File.ReadAllBytes(path));
    }

    [Fact]
    public void EmptyActiveIndexIsAnEmptyArray() =>
        Assert.Equal(Hex.Parse("90"), File.ReadAllBytes(CacheFixture.WriteActiveIndex(_cacheDir, [])));

    [Fact]
    public void RewritingLeavesNoTempFilesAndKeepsTheMode()
    {
        var path = CacheFixture.WriteActiveIndex(_cacheDir, ["JID1"]);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }

        CacheFixture.WriteActiveIndex(_cacheDir, ["JID1", "JID2"]);

        Assert.Equal(new object?[] { "JID1", "JID2" }, PayloadReader.ReadDocument(File.ReadAllBytes(path), TextDecoding.FileSemantics));
        Assert.Empty(Directory.GetFiles(_cacheDir, CacheFixture.AtomicTempPrefix + "*"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        }
    }

    [Theory]
    [InlineData("md5")]
    [InlineData("sha224")]
    [InlineData("sha512")]
    public void SaltLoadsWhatTheFixtureWrote(string hashType)
    {
        var fixture = BatchStateFixture.Generate("20240610120000000000_77", total: 12, done: 5, active: 2, failed: 1, returnBytes: 40, seed: 3);
        var path = CacheFixture.WriteBatch(_cacheDir, hashType, fixture);
        var digest = PythonPeer.SaltPayload(["jid-dir", hashType, fixture.Jid]).Trim();

        Assert.Equal(Path.Combine(_cacheDir, "jobs", digest[..2], digest[2..], ".batch.p"), path);
        var loaded = TaggedJson.Parse(PythonPeer.SaltPayload(["loads", path]));
        Assert.Equal(TaggedJson.Serialize(fixture.ToPayloadMap()), TaggedJson.Serialize(loaded));
    }
}

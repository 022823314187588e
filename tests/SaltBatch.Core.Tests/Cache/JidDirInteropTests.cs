using SaltBatch.Core.Cache;
using SaltBatch.Core.Tests.Peers;

namespace SaltBatch.Core.Tests.Cache;

/// <summary>The job cache layout agrees with Python's hashlib (what Salt uses) for every supported hash_type.</summary>
public class JidDirInteropTests
{
    private const string CacheDir = "/var/cache/salt/master";

    private static readonly string[] Jids =
    [
        "20240610120000000000",
        "20240610120500000000",
        "20240610120000000000_4242",
        "JID1",
        "",
        "wéird-jïd-🚀",
        new string('7', 55),
        new string('7', 56),
        new string('7', 200),
    ];

    public static TheoryData<string> HashTypes => new(JobCacheLayout.SupportedHashTypes);

    [Theory]
    [MemberData(nameof(HashTypes))]
    public void JobDirectoriesMatchHashlib(string hashType)
    {
        var digests = PythonPeer.SaltPayload(["jid-dir", hashType, .. Jids]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var layout = new JobCacheLayout(CacheDir, hashType);

        Assert.Equal(
            digests.Select(digest => Path.Combine(CacheDir, "jobs", digest[..2], digest[2..], ".batch.p")),
            Jids.Select(layout.BatchStatePath));
    }

    [Theory]
    [InlineData("sha256", "68/56cd3ef0adf7527bb45006bfac67c7f6131aca5155d009232ee26770e503b4")]
    [InlineData("SHA256", "68/56cd3ef0adf7527bb45006bfac67c7f6131aca5155d009232ee26770e503b4")]
    [InlineData("md5", "e4/a4333690e724a9e05a9c34c343fbe8")]
    public void ReferenceExamples(string hashType, string relative) =>
        Assert.Equal(
            Path.Combine(CacheDir, "jobs", relative),
            new JobCacheLayout(CacheDir, hashType).JidDirectory("20240610120000000000"));

    [Fact]
    public void UnsupportedHashTypeFailsClearly()
    {
        var failure = Assert.Throws<SaltBatchException>(() => new JobCacheLayout(CacheDir, "blake2b"));

        Assert.Equal(SaltFailureKind.UnsupportedHashType, failure.Kind);
        Assert.Contains("blake2b", failure.Message);
        Assert.Contains("sha256", failure.Message);
    }
}

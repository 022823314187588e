using SaltBatch.Core.Tests.Peers;
using SaltBatch.TestKit;

namespace SaltBatch.Core.Tests.Payload;

/// <summary>The test helper's jid_dir hashing agrees with Python's hashlib for every supported hash_type.</summary>
public class JidDirInteropTests
{
    private static readonly string[] Jids =
    [
        "20240610120000000000",
        "20240610120500000000",
        "20240610120000000000_4242",
        "JID1",
        "",
        "wéird-jïd-🚀",
        new string('7', 200),
    ];

    public static TheoryData<string> HashTypes => new(JidDirTestHelper.SupportedHashTypes);

    [Theory]
    [MemberData(nameof(HashTypes))]
    public void DigestsMatchHashlib(string hashType)
    {
        var expected = PythonPeer.SaltPayload(["jid-dir", hashType, .. Jids]).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(expected, Jids.Select(jid => JidDirTestHelper.HexDigest(hashType, jid)));
    }

    [Theory]
    [InlineData("sha256", "68/56cd3ef0adf7527bb45006bfac67c7f6131aca5155d009232ee26770e503b4")]
    [InlineData("md5", "e4/a4333690e724a9e05a9c34c343fbe8")]
    public void ReferenceExamples(string hashType, string relative) =>
        Assert.Equal(
            Path.Combine("/var/cache/salt/master", "jobs", relative),
            JidDirTestHelper.JidDir("/var/cache/salt/master", "20240610120000000000", hashType));

    [Fact]
    public void UnsupportedHashTypeFailsClearly() =>
        Assert.Contains("blake2b", Assert.Throws<ArgumentException>(() => JidDirTestHelper.HexDigest("blake2b", "JID1")).Message);
}

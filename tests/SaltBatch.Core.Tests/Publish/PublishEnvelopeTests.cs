using SaltBatch.Core.Payload;
using SaltBatch.Core.Publish;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Publish;

/// <summary>The clear publish request of reference §8.3, byte for byte.</summary>
public sealed class PublishEnvelopeTests
{
    internal static readonly string ExampleKey = new string('K', 38) + new string('k', 38);

    private static readonly byte[] WorkedExample = Hex.Parse(
        "83 a3 65 6e 63 a5 63 6c 65 61 72 a4 6c 6f 61 64" +
        "89 a3 63 6d 64 a7 70 75 62 6c 69 73 68 a3 74 67" +
        "74 92 a2 6d 31 a2 6d 32 a3 66 75 6e b1 73 61 6c" +
        "74 75 74 69 6c 2e 6b 69 6c 6c 5f 6a 6f 62 a3 61" +
        "72 67 91 b4" + Convert.ToHexString("20240610120000000000"u8) +
        "a3 6b 65 79 da 00 4c" + Convert.ToHexString(System.Text.Encoding.ASCII.GetBytes(ExampleKey)) +
        "a8 74 67 74 5f 74 79 70 65 a4 6c 69 73 74" +
        "a3 72 65 74 a0 a3 6a 69 64 a0" +
        "a4 75 73 65 72 a4 72 6f 6f 74" +
        "a7 76 65 72 73 69 6f 6e 03");

    internal static PublishCredentials RootCredentials() => new("root", "root", "/var/cache/salt/master/.root_key", ExampleKey);

    [Fact]
    public void KillJobEnvelopeMatchesTheWorkedExample()
    {
        var bytes = PublishEnvelope.Pack(PublishRequest.KillJob(["m2", "m1"], "20240610120000000000"), RootCredentials());

        Assert.Equal(214, bytes.Length);
        Assert.Equal(Convert.ToHexString(WorkedExample), Convert.ToHexString(bytes));
    }

    [Fact]
    public void KwargsAndToAppearOnlyWhenGivenAndInSaltsOrder()
    {
        var request = PublishRequest.KillJob(["m1"], "1") with
        {
            KeywordArguments = new Dictionary<string, object?> { ["delay"] = 1 },
            OrderMastersTimeout = 5,
        };

        var load = (PayloadMap)PublishEnvelope.Build(request, RootCredentials()).Get("load")!;

        Assert.Equal(["cmd", "tgt", "fun", "arg", "key", "tgt_type", "ret", "jid", "kwargs", "user", "to"], load.Keys);
        Assert.Equal(5L, Convert.ToInt64(load.Get("to")));
    }

    [Fact]
    public void MasterUriBracketsIPv6AndReachesAWildcardInterfaceOnLoopback()
    {
        Assert.Equal("tcp://127.0.0.1:4506", RequestServerOptions.ForMaster("0.0.0.0", 4506).Uri);
        Assert.Equal("tcp://[::1]:4506", RequestServerOptions.ForMaster("::1", 4506).Uri);
        Assert.Equal("tcp://[::1]:4506", RequestServerOptions.ForMaster("::", 4506).Uri);
        Assert.Equal("tcp://10.0.0.5:4506", RequestServerOptions.ForMaster("10.0.0.5", 4506).Uri);
    }
}

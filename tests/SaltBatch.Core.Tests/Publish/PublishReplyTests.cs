using SaltBatch.Core.Payload;
using SaltBatch.Core.Publish;

namespace SaltBatch.Core.Tests.Publish;

/// <summary>Every reply shape of reference §8.8, decoded from the bytes the master would send.</summary>
public sealed class PublishReplyTests
{
    private const string Endpoint = "tcp://127.0.0.1:4506";

    private static PublishResult Interpret(object? reply) =>
        PublishReply.Interpret(
            reply is PayloadMap map ? PublishReply.Decode(PayloadWriter.Pack(map, useBinType: false), Endpoint) : reply,
            PublishEnvelopeTests.RootCredentials(),
            Endpoint);

    private static SaltBatchException Failure(object? reply) => Assert.Throws<SaltBatchException>(() => Interpret(reply));

    [Fact]
    public void SuccessGivesTheNewJidMinionsAndMissing()
    {
        var result = Interpret(new PayloadMap
        {
            { "enc", "clear" },
            { "load", new PayloadMap { { "jid", "20240610120500123456" }, { "minions", new[] { "m1", "m2" } }, { "missing", new[] { "m3" } } } },
        });

        Assert.Equal("20240610120500123456", result.Jid);
        Assert.Equal(["m1", "m2"], result.Minions);
        Assert.Equal(["m3"], result.Missing);
    }

    [Fact]
    public void AuthenticationErrorNamesTheUserAndTheFix()
    {
        var error = Failure(new PayloadMap { { "error", new PayloadMap { { "name", "AuthenticationError" }, { "message", "Authentication error occurred." } } } });

        Assert.Equal(SaltFailureKind.AuthenticationFailed, error.Kind);
        Assert.Contains("rejected the key for user root", error.Message);
        Assert.Contains("run as root or as the master's user", error.Message);
    }

    [Fact]
    public void AuthorizationErrorIsAnAuthorizationFailure()
    {
        var error = Failure(new PayloadMap { { "error", new PayloadMap { { "name", "AuthorizationError" }, { "message", "Authorization error occurred." } } } });

        Assert.Equal(SaltFailureKind.AuthorizationFailed, error.Kind);
    }

    [Fact]
    public void NoResolvedMinionsCarriesTheMastersMessage()
    {
        var error = Failure(new PayloadMap
        {
            { "enc", "clear" },
            { "load", new PayloadMap { { "jid", null }, { "minions", Array.Empty<string>() }, { "error", "Master could not resolve minions for target [m9]" } } },
        });

        Assert.Equal(SaltFailureKind.NoMinionsMatched, error.Kind);
        Assert.Contains("Master could not resolve minions for target [m9]", error.Message);
    }

    [Fact]
    public void AFailedJidAssignmentIsARejection()
    {
        var error = Failure(new PayloadMap { { "enc", "clear" }, { "load", new PayloadMap { { "error", "Master failed to assign jid" } } } });

        Assert.Equal(SaltFailureKind.PublishRejected, error.Kind);
        Assert.Contains("Master failed to assign jid", error.Message);
    }

    [Theory]
    [InlineData("map")]
    [InlineData("string")]
    public void AnEmptyReplyMeansAMalformedRequest(string shape)
    {
        var error = Failure(shape == "map" ? new PayloadMap() : PublishReply.Decode(PayloadWriter.Pack("", useBinType: false), Endpoint));

        Assert.Equal(SaltFailureKind.PublishRejected, error.Kind);
        Assert.Contains("empty reply: malformed request or unknown command", error.Message);
    }

    [Fact]
    public void ABadLoadReplyNamesTheProtocolVersionAndTheSetting()
    {
        var error = Failure(PublishReply.Decode(PayloadWriter.Pack("bad load", useBinType: false), Endpoint));

        Assert.Equal(SaltFailureKind.PublishRejected, error.Kind);
        Assert.Contains("\"bad load\"", error.Message);
        Assert.Contains($"sends version {PublishEnvelope.Version}", error.Message);
        Assert.Contains("minimum_auth_version", error.Message);
        Assert.DoesNotContain("instead of a map", error.Message);
    }

    [Fact]
    public void BytesThatAreNotMsgpackAreARejection()
    {
        var error = Assert.Throws<SaltBatchException>(() => PublishReply.Decode([0xc1], Endpoint));

        Assert.Equal(SaltFailureKind.PublishRejected, error.Kind);
    }
}

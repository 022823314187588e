using SaltBatch.Core.Payload;
using SaltBatch.Core.Publish;

namespace SaltBatch.Core.Tests.Publish;

/// <summary>The publish key is a secret: no message, description or printout may carry it.</summary>
public sealed class SecretHygieneTests
{
    private const string Endpoint = "tcp://127.0.0.1:4506";

    [Fact]
    public void CredentialsDoNotPrintTheKey()
    {
        var credentials = PublishEnvelopeTests.RootCredentials();

        Assert.DoesNotContain(PublishEnvelopeTests.ExampleKey, credentials.ToString());
        Assert.DoesNotContain(PublishEnvelopeTests.ExampleKey[..8], credentials.ToString());
        Assert.DoesNotContain("Key", typeof(PublishCredentials).GetProperties().Select(p => p.Name));
    }

    [Fact]
    public void TheKeyTravelsOnlyAsLoadKeyOfTheEnvelopeAndNowhereInTheRequest()
    {
        var request = PublishRequest.KillJob(["m1"], "20240610120000000000");
        var credentials = PublishEnvelopeTests.RootCredentials();

        // A record prints every property: what verbose lines and journals are built from carries no key.
        Assert.DoesNotContain(PublishEnvelopeTests.ExampleKey, request.ToString());
        Assert.Equal(PublishEnvelopeTests.ExampleKey, ((PayloadMap)PublishEnvelope.Build(request, credentials).Get("load")!).Get("key"));
        var bytes = PublishEnvelope.Pack(request, credentials);
        var key = System.Text.Encoding.ASCII.GetBytes(PublishEnvelopeTests.ExampleKey);
        var first = bytes.AsSpan().IndexOf(key);
        Assert.True(first >= 0);
        Assert.Equal(-1, bytes.AsSpan(first + key.Length).IndexOf(key));
    }

    [Fact]
    public void FailureMessagesDoNotCarryTheKey()
    {
        var credentials = PublishEnvelopeTests.RootCredentials();
        var replies = new object?[]
        {
            new PayloadMap { { "error", new PayloadMap { { "name", "AuthenticationError" }, { "message", "x" } } } },
            new PayloadMap { { "error", new PayloadMap { { "name", "AuthorizationError" }, { "message", "x" } } } },
            new PayloadMap { { "load", new PayloadMap { { "error", "Master failed to assign jid" } } } },
            "bad load",
            "",
        };

        foreach (var reply in replies)
        {
            var error = Assert.Throws<SaltBatchException>(() => PublishReply.Interpret(reply, credentials, Endpoint));
            Assert.DoesNotContain(PublishEnvelopeTests.ExampleKey, error.Message);
            Assert.DoesNotContain(PublishEnvelopeTests.ExampleKey, error.ToString());
        }
    }
}

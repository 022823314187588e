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
    public void RequestsAndResultsCarryNoKey()
    {
        var request = PublishRequest.KillJob(["m1"], "20240610120000000000");

        Assert.DoesNotContain(PublishEnvelopeTests.ExampleKey, request.ToString());
        Assert.DoesNotContain(PublishEnvelopeTests.ExampleKey, PublishEnvelope.Build(request, PublishEnvelopeTests.RootCredentials()).ToString());
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

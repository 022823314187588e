using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Publish;

/// <summary>Turns the request server's reply into a result or a typed failure (reference §8.7, §8.8).</summary>
public static class PublishReply
{
    /// <summary>Decodes reply bytes (packed with <c>use_bin_type=False</c>, so str and bin both read as text).</summary>
    public static object? Decode(byte[] reply, string endpoint)
    {
        try
        {
            return PayloadReader.ReadDocument(reply, TextDecoding.FileSemantics);
        }
        catch (PayloadFormatException malformed)
        {
            throw new SaltBatchException(SaltFailureKind.PublishRejected, $"The master at {endpoint} sent a reply that is not msgpack: {malformed.Reason}.", endpoint, malformed);
        }
    }

    public static PublishResult Interpret(object? reply, PublishCredentials credentials, string endpoint)
    {
        if (reply is null or "" or byte[] { Length: 0 } or PayloadMap { Count: 0 })
        {
            throw Rejected(endpoint, "the master returned an empty reply: malformed request or unknown command");
        }

        if (reply is string text && text.StartsWith("bad load", StringComparison.Ordinal))
        {
            throw Rejected(
                endpoint,
                $"the master answered \"{text}\", its refusal of a request it will not decode. The likely cause is the protocol version: " +
                $"SaltBatch sends version {PublishEnvelope.Version}, and a master whose minimum_auth_version is higher refuses it " +
                "(the master's log then says \"Rejected authentication attempt ... using protocol version\"); " +
                "lower minimum_auth_version in the master config or upgrade SaltBatch. Otherwise the master's log names what it could not read");
        }

        if (reply is not PayloadMap map)
        {
            throw Rejected(endpoint, $"the master returned {Describe(reply)} instead of a map");
        }

        if (map.Get("error") is { } error)
        {
            throw FromErrorMap(error, credentials, endpoint);
        }

        if (map.Get("load") is not PayloadMap load)
        {
            throw Rejected(endpoint, "the reply has no load");
        }

        var minions = Names(load.Get("minions"));
        var loadError = load.Get("error") as string;
        if (load.Get("jid") is string { Length: > 0 } jid)
        {
            return new PublishResult(jid, minions, Names(load.Get("missing")));
        }

        if (load.ContainsKey("minions") && minions.Count == 0)
        {
            throw new SaltBatchException(
                SaltFailureKind.NoMinionsMatched,
                $"No minions matched the target: {loadError ?? "the master resolved no minions"}.",
                endpoint);
        }

        throw Rejected(endpoint, loadError is null ? "the reply carries no JID" : $"the master said: {loadError}");
    }

    private static SaltBatchException FromErrorMap(object error, PublishCredentials credentials, string endpoint)
    {
        var name = (error as PayloadMap)?.Get("name") as string;
        var message = (error as PayloadMap)?.Get("message") as string ?? error as string ?? Describe(error);
        return name switch
        {
            "AuthenticationError" => new SaltBatchException(
                SaltFailureKind.AuthenticationFailed,
                $"The master rejected the key for user {credentials.User} ({message}). " +
                (credentials.HasKey
                    ? $"The key in {credentials.KeyPath} is stale or belongs to another user; "
                    : $"The key file {credentials.KeyPath} could not be read; ") +
                "run as root or as the master's user so that its current key file is readable.",
                endpoint),
            "AuthorizationError" => new SaltBatchException(
                SaltFailureKind.AuthorizationFailed,
                $"The master refused the publish for user {credentials.User} ({message}): publisher_acl or publisher_acl_blacklist does not allow it. Run as root or the master's user, or grant the function in publisher_acl.",
                endpoint),
            _ => Rejected(endpoint, $"the master reported {name ?? "an error"}: {message}"),
        };
    }

    private static IReadOnlyList<string> Names(object? value) =>
        value is IEnumerable<object?> items ? items.Select(item => item?.ToString() ?? string.Empty).ToArray() : Array.Empty<string>();

    private static string Describe(object? value) => value switch
    {
        null => "nil",
        string text => $"the text \"{text}\"",
        _ => $"a value of type {value.GetType().Name}",
    };

    private static SaltBatchException Rejected(string endpoint, string reason) =>
        new(SaltFailureKind.PublishRejected, $"The publish was rejected by the master at {endpoint}: {reason}.", endpoint);
}

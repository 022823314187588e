using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Publish;

/// <summary>
/// The clear-text publish request the master's request server takes (reference §8.3). Key order is part of the
/// format: the bytes match what <c>salt.payload.dumps</c> writes for the same load.
/// </summary>
public static class PublishEnvelope
{
    /// <summary>
    /// What current clients send. Masters since 3006.17 / 3007.9 refuse anything below their
    /// <c>minimum_auth_version</c> (default 3, CVE-2025-62349) with a bare "bad load"; older masters accept 3 for clear
    /// requests, so 3 serves every master.
    /// </summary>
    public const int Version = 3;

    /// <summary>The envelope as a map; it holds the key, so it must not be logged.</summary>
    public static PayloadMap Build(PublishRequest request, PublishCredentials credentials)
    {
        var load = new PayloadMap
        {
            { "cmd", "publish" },
            { "tgt", request.TargetType == "list" ? request.Minions.ToArray() : request.Expression },
            { "fun", request.Function },
            { "arg", request.Arguments.ToArray() },
            { "key", credentials.Key },
            { "tgt_type", request.TargetType },
            { "ret", request.Returner },
            // Empty: the master assigns the JID of the new job.
            { "jid", string.Empty },
        };
        if (request.KeywordArguments is { } keywordArguments)
        {
            var kwargs = new PayloadMap(keywordArguments.Count);
            foreach (var (name, value) in keywordArguments)
            {
                kwargs.Add(name, value);
            }

            load.Add("kwargs", kwargs);
        }

        load.Add("user", credentials.User);
        if (request.OrderMastersTimeout is { } timeout)
        {
            load.Add("to", timeout);
        }

        return new PayloadMap { { "enc", "clear" }, { "load", load }, { "version", Version } };
    }

    /// <summary>The ZeroMQ payload: the envelope packed with <c>use_bin_type=False</c>.</summary>
    public static byte[] Pack(PublishRequest request, PublishCredentials credentials) =>
        PayloadWriter.Pack(Build(request, credentials), useBinType: false);
}

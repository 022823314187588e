using System.Text.Json.Nodes;
using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// <c>ClearFuncs.publish</c> in miniature (reference §8.3, §8.7, §8.8): checks the envelope the way a strict reader of
/// the client's bytes would (any layout deviation is journaled as a protocol error, then the request is still served
/// like the tolerant real master would), authenticates the key, resolves the targets and answers. The key text is
/// never journaled.
/// </summary>
public sealed class PublishRequestHandler(
    SimulatedMasterOptions options,
    IReadOnlyDictionary<string, string> keys,
    Func<IReadOnlyCollection<string>> acceptedMinions,
    JidSource jids,
    MasterJournal journal,
    Action<string, IReadOnlyList<string>>? onKillJob = null,
    Action<string, IReadOnlyList<string>>? onPing = null)
{
    private static readonly string[] EnvelopeOrder = ["enc", "load", "version"];
    private static readonly string[] LoadOrder = ["cmd", "tgt", "fun", "arg", "key", "tgt_type", "ret", "jid", "user"];
    private static readonly string[] LoadOrderWithKwargs = ["cmd", "tgt", "fun", "arg", "key", "tgt_type", "ret", "jid", "kwargs", "user"];

    /// <summary>The reply bytes, or null when this master stays silent.</summary>
    public byte[]? Handle(byte[] request)
    {
        var reply = Answer(request);
        return reply is null ? null : PayloadWriter.Pack(reply, useBinType: false);
    }

    private object? Answer(byte[] request)
    {
        object? envelope;
        try
        {
            envelope = PayloadReader.ReadDocument(request, TextDecoding.FileSemantics);
        }
        catch (PayloadFormatException error)
        {
            ProtocolError($"request: not a msgpack document: {error.Message}");
            return PublishReplies.NotADict;
        }

        if (envelope is not PayloadMap top || !top.ContainsKey("enc") || !top.ContainsKey("load"))
        {
            ProtocolError("request: the payload is not a map with enc and load");
            return PublishReplies.BadLoad;
        }

        var version = EnvelopeVersion(top.Get("version"));
        if (options.MinimumAuthVersion > 0 && version < options.MinimumAuthVersion)
        {
            journal.Add(JournalKinds.PublishRefused, new JsonObject { ["version"] = version, ["minimum_auth_version"] = options.MinimumAuthVersion });
            return PublishReplies.BadLoad;
        }

        if (top.Get("load") is not PayloadMap load)
        {
            ProtocolError("request: the load is not a map");
            return PublishReplies.NotADict;
        }

        CheckOrder("envelope", top, EnvelopeOrder);
        if (top.Get("enc") as string != "clear")
        {
            ProtocolError($"request: enc is {PayloadJson.ToNode(top.Get("enc"))?.ToJsonString() ?? "null"}, expected \"clear\"");
        }

        if (load.Get("cmd") as string != "publish")
        {
            ProtocolError($"request: load.cmd is {PayloadJson.ToNode(load.Get("cmd"))?.ToJsonString() ?? "null"}; only publish is served");
            return PublishReplies.Empty();
        }

        var expectedLoad = load.ContainsKey("kwargs") ? LoadOrderWithKwargs : LoadOrder;

        // A client configured with order_masters appends the timeout as "to"; that is legal wire, not a deviation.
        CheckOrder("load", load, load.ContainsKey("to") ? [.. expectedLoad, "to"] : expectedLoad);
        if (load.Get("user") is not string user)
        {
            ProtocolError("request: load.user is missing or not text");
            return PublishReplies.Empty();
        }

        if (options.SilentRequestServer)
        {
            Record(load, accepted: false, reply: null);
            return null;
        }

        PayloadMap reply;
        var accepted = false;
        if (options.AuthError || !KeyMatches(user, load.Get("key") as string))
        {
            reply = PublishReplies.AuthenticationError();
        }
        else if (options.AclError)
        {
            reply = PublishReplies.AuthorizationError();
        }
        else
        {
            var (minions, missing) = MinionTargeting.Resolve(load.Get("tgt"), load.Get("tgt_type") as string, acceptedMinions());
            if (options.NoMinions || minions.Count == 0)
            {
                reply = PublishReplies.NoMinions(load.Get("tgt"));
            }
            else
            {
                var jid = jids.Next();
                reply = PublishReplies.Success(jid, minions, missing);
                accepted = true;
                if (load.Get("fun") as string == "test.ping")
                {
                    onPing?.Invoke(jid, minions);
                }

                if (load.Get("fun") as string == "saltutil.kill_job" && load.Get("arg") is List<object?> { Count: > 0 } arg && arg[0] is string killedJid)
                {
                    onKillJob?.Invoke(killedJid, minions);
                }
            }
        }

        Record(load, accepted, reply);
        return reply;
    }

    /// <summary><c>int(payload.get("version", 0))</c>, with the master's fallback to 0 for what does not convert.</summary>
    private static long EnvelopeVersion(object? value) => value switch
    {
        long number => number,
        ulong number => number > long.MaxValue ? long.MaxValue : (long)number,
        string text when long.TryParse(text, out var number) => number,
        _ => 0,
    };

    /// <summary>Reference §8.7 item 4, for the "user" auth type the kill publish uses.</summary>
    private bool KeyMatches(string user, string? key)
    {
        if (key is null)
        {
            return false;
        }

        if (user.StartsWith("sudo_", StringComparison.Ordinal) || user == options.MasterUser || user == "root")
        {
            return keys.TryGetValue(options.MasterUser, out var masterKey) && key == masterKey;
        }

        if (keys.TryGetValue("root", out var rootKey) && key == rootKey)
        {
            return true;
        }

        return keys.TryGetValue(user, out var own) && key == own;
    }

    private void CheckOrder(string what, PayloadMap map, string[] expected)
    {
        var actual = map.Keys.Select(key => key as string ?? PayloadJson.ToNode(key)?.ToJsonString() ?? "null").ToArray();
        if (!actual.SequenceEqual(expected))
        {
            ProtocolError($"request: {what} keys are [{string.Join(", ", actual)}], expected [{string.Join(", ", expected)}]");
        }
    }

    private void Record(PayloadMap load, bool accepted, PayloadMap? reply) =>
        journal.Add(JournalKinds.PublishReceived, new JsonObject
        {
            ["fun"] = PayloadJson.ToNode(load.Get("fun")),
            ["arg"] = PayloadJson.ToNode(load.Get("arg")),
            ["tgt"] = PayloadJson.ToNode(load.Get("tgt")),
            ["tgt_type"] = PayloadJson.ToNode(load.Get("tgt_type")),
            ["user"] = PayloadJson.ToNode(load.Get("user")),
            ["accepted"] = accepted,
            ["reply"] = reply is null ? null : PayloadJson.ToObject(reply),
        });

    private void ProtocolError(string detail) => journal.Add(JournalKinds.ProtocolError, new JsonObject { ["detail"] = detail });
}

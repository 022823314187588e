using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>The reply maps of the request server (reference §8.7/§8.8).</summary>
public static class PublishReplies
{
    public static PayloadMap Success(string jid, IReadOnlyList<string> minions, IReadOnlyList<string> missing) => new()
    {
        { "enc", "clear" },
        { "load", new PayloadMap { { "jid", jid }, { "minions", minions.ToList() }, { "missing", missing.ToList() } } },
    };

    public static PayloadMap NoMinions(object? tgt) => new()
    {
        { "enc", "clear" },
        {
            "load", new PayloadMap
            {
                { "jid", null },
                { "minions", new List<object?>() },
                { "error", $"Master could not resolve minions for target {MinionTargeting.PythonRepr(tgt)}" },
            }
        },
    };

    public static PayloadMap AuthenticationError() => Error("AuthenticationError", "Authentication error occurred.");

    public static PayloadMap AuthorizationError() => Error("AuthorizationError", "Authorization error occurred.");

    /// <summary>What the master answers a clear request whose <c>cmd</c> it does not expose.</summary>
    public static PayloadMap Empty() => new();

    /// <summary>
    /// What the request server answers, as bare text, a payload without <c>enc</c> and <c>load</c> or with a
    /// <c>version</c> below <c>minimum_auth_version</c>, before it decodes anything.
    /// </summary>
    public const string BadLoad = "bad load";

    /// <summary>What the request server answers when the payload or its load is not a map.</summary>
    public const string NotADict = "payload and load must be a dict";

    private static PayloadMap Error(string name, string message) => new()
    {
        { "error", new PayloadMap { { "name", name }, { "message", message } } },
    };
}

namespace SaltBatch.Core.Publish;

/// <summary>
/// A job to publish to a list of minions, as <c>LocalClient.cmd_async(tgt, fun, arg, tgt_type="list")</c> would
/// (reference §8.1). The master assigns the new job's JID.
/// </summary>
public sealed record PublishRequest(IReadOnlyList<string> Minions, string Function, IReadOnlyList<object?> Arguments)
{
    /// <summary>The <c>ret</c> returner; Salt fills it from <c>ext_job_cache</c> when that option is set.</summary>
    public string Returner { get; init; } = string.Empty;

    /// <summary>Extra keyword arguments; the <c>kwargs</c> key is only sent when this is set.</summary>
    public IReadOnlyDictionary<string, object?>? KeywordArguments { get; init; }

    /// <summary>The <c>to</c> value (the timeout in seconds), sent only when the master has <c>order_masters: true</c>.</summary>
    public int? OrderMastersTimeout { get; init; }

    /// <summary><c>saltutil.kill_job &lt;batchJid&gt;</c> on <paramref name="minions"/>, sorted as the runner passes them (reference §5.3).</summary>
    public static PublishRequest KillJob(IEnumerable<string> minions, string batchJid) =>
        new(minions.Order(StringComparer.Ordinal).ToArray(), "saltutil.kill_job", new object?[] { batchJid });
}

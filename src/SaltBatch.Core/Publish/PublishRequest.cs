namespace SaltBatch.Core.Publish;

/// <summary>
/// A job to publish, as <c>LocalClient.cmd_async(tgt, fun, arg, tgt_type)</c> would (reference §8.1): to a list of
/// minions, or to an expression of another target type. The master assigns the new job's JID.
/// </summary>
public sealed record PublishRequest(IReadOnlyList<string> Minions, string Function, IReadOnlyList<object?> Arguments)
{
    /// <summary>Salt's <c>tgt_type</c>: <c>list</c> sends <see cref="Minions"/> as <c>tgt</c>, any other type sends <see cref="Expression"/>.</summary>
    public string TargetType { get; init; } = "list";

    /// <summary>The target expression (a glob, a grain match, a compound expression, ...) when <see cref="TargetType"/> is not <c>list</c>.</summary>
    public string? Expression { get; init; }

    /// <summary>The <c>ret</c> returner; Salt fills it from <c>ext_job_cache</c> when that option is set.</summary>
    public string Returner { get; init; } = string.Empty;

    /// <summary>Extra keyword arguments; the <c>kwargs</c> key is only sent when this is set.</summary>
    public IReadOnlyDictionary<string, object?>? KeywordArguments { get; init; }

    /// <summary>The <c>to</c> value (the timeout in seconds), sent only when the master has <c>order_masters: true</c>: <see cref="PublishClient"/> sets it from the config.</summary>
    public int? OrderMastersTimeout { get; init; }

    /// <summary><c>test.ping</c> to an expression of <paramref name="targetType"/>, as the salt CLI pings a batch's target.</summary>
    public static PublishRequest Ping(string expression, string targetType) =>
        new([], "test.ping", []) { TargetType = targetType, Expression = expression };

    /// <summary><c>test.ping</c> to a list of minions.</summary>
    public static PublishRequest Ping(IReadOnlyList<string> minions) => new(minions, "test.ping", []);

    /// <summary><c>saltutil.kill_job &lt;batchJid&gt;</c> on <paramref name="minions"/>, sorted as the runner passes them (reference §5.3).</summary>
    public static PublishRequest KillJob(IEnumerable<string> minions, string batchJid) =>
        new(minions.Order(StringComparer.Ordinal).ToArray(), "saltutil.kill_job", new object?[] { batchJid });
}

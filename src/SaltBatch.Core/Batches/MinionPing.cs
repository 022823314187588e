using System.Diagnostics;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Publish;

namespace SaltBatch.Core.Batches;

/// <summary>
/// The salt CLI's <c>gather_minions</c> (start-and-api §1.3 step 2): publish <c>test.ping</c> to the target through the
/// request server, then collect <c>salt/job/&lt;ping jid&gt;/ret/&lt;id&gt;</c> from the event bus until every announced
/// minion has answered or the timeout passes. A return carrying <c>failed: true</c> counts as no answer, as in Salt.
/// </summary>
public static class MinionPing
{
    /// <param name="subscriber">Already listening, so no answer can come before we look.</param>
    /// <param name="progress">Told once the master announced the minions, then at each answer.</param>
    /// <exception cref="SaltBatchException">From the publish: authentication, authorization, rejection, no minions matched, unreachable, timeout.</exception>
    public static async Task<PingResult> RunAsync(
        EventSubscriber subscriber,
        PublishClient client,
        PublishCredentials credentials,
        PublishRequest ping,
        TimeSpan timeout,
        Action<PingProgress>? progress,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var published = await client.PublishAsync(ping, credentials, cancellationToken).ConfigureAwait(false);
        var returnTag = BatchEvents.ReturnTagPrefix(published.Jid);
        var waiting = new HashSet<string>(published.Minions, StringComparer.Ordinal);
        var answered = new HashSet<string>(StringComparer.Ordinal);
        var deadline = clock.Elapsed + timeout;
        progress?.Invoke(new PingProgress(published.Jid, published.Minions.Count, 0, clock.Elapsed, timeout));
        while (waiting.Count > 0 && clock.Elapsed < deadline)
        {
            var answer = await subscriber.WaitForAsync(e => e.Tag.StartsWith(returnTag, StringComparison.Ordinal), deadline - clock.Elapsed, cancellationToken).ConfigureAwait(false);
            if (answer is null)
            {
                break;
            }

            var minion = answer.Tag[returnTag.Length..];
            if (waiting.Remove(minion) && answer.Data.Get("failed") is not true)
            {
                answered.Add(minion);
                progress?.Invoke(new PingProgress(published.Jid, published.Minions.Count, answered.Count, clock.Elapsed, timeout));
            }
        }

        return new PingResult(
            published.Jid,
            published.Minions,
            published.Minions.Where(answered.Contains).ToArray(),
            published.Minions.Where(minion => !answered.Contains(minion)).Order(StringComparer.Ordinal).ToArray(),
            published.Missing,
            clock.Elapsed);
    }
}

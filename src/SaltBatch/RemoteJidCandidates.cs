using System.Collections.Concurrent;
using SaltBatch.Core;
using SaltBatch.Core.Api;
using SaltBatch.Core.Cache;

namespace SaltBatch;

/// <summary>
/// Active batches of a salt-api master for JID completion. One <c>batch.list_active</c> call serves the key presses
/// of a few seconds (a call is a round trip and a runner on the master); a master that cannot answer offers nothing.
/// </summary>
internal static class RemoteJidCandidates
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);
    private static readonly ConcurrentDictionary<SaltApiConnection, (DateTime At, IReadOnlyList<BatchSummary> Batches)> Remembered = new();

    public static IEnumerable<BatchSummary> Active(SaltApiConnection connection, Func<string, bool> jidMatches) =>
        Batches(connection).Where(summary => summary.Jid is { } jid && jidMatches(jid));

    private static IReadOnlyList<BatchSummary> Batches(SaltApiConnection connection)
    {
        if (Remembered.TryGetValue(connection, out var remembered) && DateTime.UtcNow - remembered.At < Fresh)
        {
            return remembered.Batches;
        }

        try
        {
            using var patience = new CancellationTokenSource(Patience);
            var entries = new SaltApiBatchMaster(connection).ListActiveAsync(_ => { }, patience.Token).GetAwaiter().GetResult();
            var batches = entries.Select(entry => entry.Summary).OfType<BatchSummary>().ToArray();
            Remembered[connection] = (DateTime.UtcNow, batches);
            return batches;
        }
        catch (Exception error) when (error is SaltBatchException or OperationCanceledException)
        {
            return [];
        }
    }
}

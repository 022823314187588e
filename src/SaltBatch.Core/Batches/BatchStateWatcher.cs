using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// Follows batches the way the master announces them: events on the pub stream say when to look, and re-reading
/// <c>.batch.p</c> covers whatever the stream misses (a dropped subscriber, a bus that cannot be reached). Start it
/// before acting or reading the first state, so no announcement slips by; dispose it to stop listening.
/// </summary>
public sealed class BatchStateWatcher : IBatchFollower
{
    private readonly JobCacheLayout _layout;
    private readonly EventSubscriber? _subscriber;

    private BatchStateWatcher(JobCacheLayout layout, EventSubscriber? subscriber)
    {
        _layout = layout;
        _subscriber = subscriber;
    }

    /// <summary>False when the bus could not be reached: the watcher then only re-reads the files.</summary>
    public bool IsListening => _subscriber is not null;

    /// <summary>A re-read is a local file read: as often as asked.</summary>
    public TimeSpan PollInterval(TimeSpan blind) => blind;

    /// <summary>Subscribes to the pub stream; when that fails, logs why and <paramref name="fallback"/>, and watches the files only.</summary>
    public static async Task<BatchStateWatcher> StartAsync(MasterEventBus bus, JobCacheLayout layout, Action<string> log, string fallback, CancellationToken cancellationToken)
    {
        try
        {
            return new BatchStateWatcher(layout, await bus.SubscribeAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (SaltBatchException exception)
        {
            log($"Cannot listen on {bus.Endpoints.Pub} ({exception.Message}); {fallback}");
            return new BatchStateWatcher(layout, null);
        }
    }

    /// <summary>
    /// The batch's state now, or null when it cannot be read at this moment: the master may be rewriting it, so a
    /// failed read only means "look again".
    /// </summary>
    public Task<BatchSummary?> ReadAsync(string jid, CancellationToken cancellationToken) => Task.FromResult(Read(jid));

    private BatchSummary? Read(string jid)
    {
        try
        {
            return BatchSummaryReader.Read(_layout.BatchStatePath(jid));
        }
        catch (SaltBatchException)
        {
            return null;
        }
    }

    public async Task<MasterEvent?> NextAsync(Func<MasterEvent, bool> match, TimeSpan slice, CancellationToken cancellationToken)
    {
        if (slice <= TimeSpan.Zero)
        {
            return null;
        }

        if (_subscriber is null)
        {
            await Task.Delay(slice, cancellationToken).ConfigureAwait(false);
            return null;
        }

        return await _subscriber.WaitForAsync(match, slice, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _subscriber?.DisposeAsync() ?? ValueTask.CompletedTask;
}

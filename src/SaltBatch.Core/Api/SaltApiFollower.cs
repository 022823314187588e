using System.Threading.Channels;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Api;

/// <summary>
/// Follows batches through salt-api: <c>/events</c> read in the background says when to look, and
/// <c>batch.status</c> is what is looked at. When the stream cannot be opened or ends, it only re-reads.
/// </summary>
internal sealed class SaltApiFollower : IBatchFollower
{
    private readonly SaltApiBatchMaster _master;
    private readonly Action<string> _log;
    /// <summary>Events only say when to look again; past this many unread, the oldest are dropped, and nothing is lost by it.</summary>
    private const int EventBacklog = 256;

    private static readonly TimeSpan ListeningPoll = TimeSpan.FromSeconds(5);

    private readonly Channel<MasterEvent> _events = Channel.CreateBounded<MasterEvent>(
        new BoundedChannelOptions(EventBacklog) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true, SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private readonly Stream? _stream;
    private readonly Task _pump = Task.CompletedTask;

    private SaltApiFollower(SaltApiBatchMaster master, Action<string> log, Stream? stream)
    {
        _master = master;
        _log = log;
        _stream = stream;
        if (stream is not null)
        {
            _pump = Task.Run(() => PumpAsync(stream, _closing.Token));
        }
    }

    public bool IsListening => _stream is not null;

    /// <summary>
    /// Each re-read is a <c>batch.status</c> call through salt-api: while <c>/events</c> flows, the events say when to
    /// look, and a re-read every few seconds only covers one that went missing.
    /// </summary>
    public TimeSpan PollInterval(TimeSpan blind) =>
        IsListening && !_events.Reader.Completion.IsCompleted && blind < ListeningPoll ? ListeningPoll : blind;

    public static async Task<SaltApiFollower> StartAsync(SaltApiBatchMaster master, Action<string> log, string fallback, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await master.Connection.OpenEventsAsync(log, cancellationToken).ConfigureAwait(false);
            log($"Following {master.Connection.Endpoint.Uri}events for '{master.Name}'.");
            return new SaltApiFollower(master, log, stream);
        }
        catch (SaltBatchException exception)
        {
            log($"Cannot follow /events on '{master.Name}' ({exception.Message}); {fallback}");
            return new SaltApiFollower(master, log, null);
        }
    }

    public async Task<BatchSummary?> ReadAsync(string jid, CancellationToken cancellationToken)
    {
        try
        {
            return await _master.GetSummaryAsync(jid, _log, cancellationToken).ConfigureAwait(false);
        }
        catch (SaltBatchException)
        {
            return null;
        }
    }

    /// <summary>
    /// One <c>batch.list_active</c> answers for every batch still listed; only those no longer in the index (they
    /// finished, or were dropped) cost a <c>batch.status</c> each, for their final word.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, BatchSummary>> ReadAllAsync(IReadOnlyCollection<string> jids, CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, BatchSummary>(StringComparer.Ordinal);
        if (jids.Count > 1)
        {
            try
            {
                foreach (var entry in await _master.ListActiveAsync(_log, cancellationToken).ConfigureAwait(false))
                {
                    if (entry.Summary is { } summary && jids.Contains(entry.Jid))
                    {
                        states[entry.Jid] = summary;
                    }
                }
            }
            catch (SaltBatchException failure)
            {
                _log($"batch.list_active on '{_master.Name}' failed ({failure.Message}); reading each batch with batch.status instead.");
            }
        }

        return await IBatchFollower.ReadEachAsync(this, jids, states, cancellationToken).ConfigureAwait(false);
    }

    public async Task<MasterEvent?> NextAsync(Func<MasterEvent, bool> match, TimeSpan slice, CancellationToken cancellationToken)
    {
        if (slice <= TimeSpan.Zero)
        {
            return null;
        }

        var deadline = DateTime.UtcNow + slice;
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(slice);
        try
        {
            while (await _events.Reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
            {
                while (_events.Reader.TryRead(out var masterEvent))
                {
                    if (match(masterEvent))
                    {
                        return masterEvent;
                    }
                }
            }

            // The stream ended: nothing more will come, so the rest of the slice is spent waiting for the next re-read.
            var left = deadline - DateTime.UtcNow;
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left, window.Token).ConfigureAwait(false);
            }

            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closing.Cancel();
        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The pump ends by cancellation or by the stream closing under it; either way it is done.
        }

        _closing.Dispose();
    }

    private async Task PumpAsync(Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            // A busy master streams every job's events; only the batch manager's are decoded.
            var reader = new ServerSentEventReader(stream, tag => tag.StartsWith(BatchEvents.TagPrefix, StringComparison.Ordinal));
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } masterEvent)
            {
                _events.Writer.TryWrite(masterEvent);
            }
        }
        catch (Exception error) when (error is IOException or OperationCanceledException or ObjectDisposedException or System.Net.Http.HttpRequestException)
        {
            // A dropped stream is what re-reading covers.
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }
}

using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Platform;
using SaltBatch.Core.Publish;

namespace SaltBatch.Core.Batches;

/// <summary>
/// <c>salt &lt;tgt&gt; &lt;fun&gt; -b N --async</c> without its two defects (start-and-api §1.3, §1.9), by letting the
/// master's BatchManager dispatch (§1.12 design B): ping the target, write a state with every responder pending —
/// owned by the master's user — and fire <c>salt/batch/&lt;jid&gt;/new</c>; the active-index entry is the manager's to
/// write when it adopts the batch, and ours only when it did not. The manager publishes each sub-batch itself, so no
/// minion can answer before the batch is adopted.
/// </summary>
public sealed class BatchStarter
{
    /// <summary>How long the BatchManager has to list a batch it adopted from the new event before we list it ourselves.</summary>
    private static readonly TimeSpan AdoptionPatience = TimeSpan.FromSeconds(2);

    private readonly JobCacheLayout _layout;
    private readonly string _masterUser;
    private readonly int _gatherJobTimeout;
    private readonly TimeSpan _masterTimeout;
    private readonly MasterEventBus _bus;
    private readonly Func<(PublishClient Client, PublishCredentials Credentials)> _publisher;
    private readonly Action<string> _log;
    private readonly TimeProvider _clock;

    /// <param name="masterUser">The master config's <c>user</c>: who must own what is written.</param>
    /// <param name="gatherJobTimeout">The master config's <c>gather_job_timeout</c>, recorded in the state.</param>
    /// <param name="masterTimeout">The master config's <c>timeout</c>: how long the ping waits unless the options say.</param>
    /// <param name="publisher">Opens the request-server client and reads the key, for the ping.</param>
    /// <param name="log">What happened behind the scenes, for the cmdlet's verbose stream. Never given the key.</param>
    public BatchStarter(
        JobCacheLayout layout,
        string masterUser,
        int gatherJobTimeout,
        TimeSpan masterTimeout,
        MasterEventBus bus,
        Func<(PublishClient Client, PublishCredentials Credentials)> publisher,
        Action<string> log,
        TimeProvider? clock = null)
    {
        _layout = layout;
        _masterUser = masterUser;
        _gatherJobTimeout = gatherJobTimeout;
        _masterTimeout = masterTimeout;
        _bus = bus;
        _publisher = publisher;
        _log = log;
        _clock = clock ?? TimeProvider.System;
    }

    /// <exception cref="SaltBatchException">
    /// AccessDenied or ConfigInvalid before anything is sent; from the ping: MasterUnreachable, Timeout, AuthenticationFailed,
    /// AuthorizationFailed, PublishRejected, and NoMinions when nobody matched or answered (nothing is written then);
    /// while writing: AccessDenied, CacheWriteFailed, WriteConflict (what was written is removed again).
    /// A <c>new</c> event that cannot be fired is not a failure: the BatchManager also adopts from the index. Once
    /// <c>.batch.p</c> is written the start is finished whatever the cancellation: a batch the master may already have
    /// adopted is never left half-registered.
    /// </exception>
    /// <param name="progress">How far the ping is, as it goes.</param>
    public async Task<StartedBatch> StartAsync(StartOptions options, Action<PingProgress>? progress, CancellationToken cancellationToken)
    {
        var owner = CacheOwnership.ForNewFiles(_masterUser);
        var pingTimeout = options.PingTimeout ?? _masterTimeout;
        var ping = await PingAsync(options, pingTimeout, progress, cancellationToken).ConfigureAwait(false);
        foreach (var down in ping.Down)
        {
            _log($"Minion {down} did not respond to the ping; no job will be sent to it.");
        }

        if (ping.Answered.Count == 0)
        {
            throw new SaltBatchException(
                SaltFailureKind.NoMinions,
                $"No minion answered the ping (job {ping.Jid}) within {pingTimeout.TotalSeconds:0.###}s: {Describe(ping.Down, "none was announced")} did not respond. Nothing was started or written.",
                options.Target.ToString());
        }

        // The last moment a stop leaves nothing behind; from the job directory on, the start is finished.
        cancellationToken.ThrowIfCancellationRequested();
        var created = _clock.GetUtcNow();
        var writer = new JobCacheWriter(_layout, owner);
        var (jid, jobDirectory) = writer.CreateJobDirectory(created.UtcDateTime);
        var ownerText = owner is { } given ? $"with the identity of the master's user {_masterUser} (uid {given.Uid}, gid {given.Gid}), which owns them" : $"owned by {UnixAccounts.EffectiveUserName()}";
        _log($"Created {jobDirectory} and its jid file, {ownerText}.");
        var state = new InitialBatchState
        {
            Jid = jid,
            Minions = ping.Answered,
            BatchSize = options.BatchSize.SizeFor(ping.Answered.Count),
            Function = options.Function,
            Arguments = options.SaltArguments(),
            Target = options.Target.Value,
            TargetType = options.Target.Type,
            FailHard = options.FailHard,
            BatchWait = options.BatchWait,
            Timeout = options.TimeoutSeconds,
            GatherJobTimeout = _gatherJobTimeout,
            Created = created.ToUnixTimeMilliseconds() / 1000.0,
            Returner = options.Returner,
            User = UnixAccounts.EffectiveUserName(),
            RelaunchOf = options.RelaunchOf,
        };

        _log($"Batch {state.Jid}: {state.Minions.Count} minion(s), {state.BatchSize} at a time ({options.BatchSize}), {state.Function}, timeout {state.Timeout}s + gather_job_timeout {state.GatherJobTimeout}s per minion.");
        var statePath = Committed(writer, jobDirectory, () => writer.WriteBatchState(state));
        _log($"Wrote {statePath} (every minion pending; the BatchManager dispatches them).");

        // The new event first: the BatchManager adopts the batch and adds it to batch_active.p itself, its own file,
        // which we then need not rewrite under it. Only when it did not, the index is written here.
        var tag = BatchEvents.NewTag(state.Jid);
        SaltBatchException? newEventFailure = null;
        try
        {
            var framing = await _bus.FireAsync(tag, BatchEvents.NewPayload(state), options.Framing, CancellationToken.None).ConfigureAwait(false);
            _log($"Fired {tag} on {_bus.Endpoints.Pull} ({framing} framing).");
        }
        catch (SaltBatchException failure)
        {
            newEventFailure = failure;
            _log($"{tag} was not fired: {failure.Message} The batch is added to the active index instead, from which the BatchManager adopts it on its next tick.");
        }

        Committed(writer, jobDirectory, () =>
        {
            if (newEventFailure is null && writer.WaitForIndexEntry(state.Jid, AdoptionPatience, _log))
            {
                _log($"The BatchManager adopted {state.Jid} and listed it in {_layout.ActiveIndexPath}.");
                return 0;
            }

            var writes = writer.AddToActiveIndex(state.Jid, _log);
            _log($"Added {state.Jid} to {_layout.ActiveIndexPath}{(writes > 1 ? $" ({writes} writes: the index was being rewritten at the same time)" : string.Empty)}.");
            return writes;
        });

        return new StartedBatch(state.ToSummary(), ping.Down, ping.Missing, newEventFailure);
    }

    /// <summary>
    /// Before the commit point: a batch whose state or index entry cannot be written is undone, job directory and all,
    /// so no half-written batch is left that nobody drives and that reads as Running forever.
    /// </summary>
    private T Committed<T>(JobCacheWriter writer, string jobDirectory, Func<T> commit)
    {
        try
        {
            return commit();
        }
        catch (SaltBatchException failure)
        {
            var undoFailure = Undo(writer, jobDirectory);
            throw new SaltBatchException(
                failure.Kind,
                undoFailure is null
                    ? $"{failure.Message} Nothing was started: the job directory was removed again."
                    : $"{failure.Message} Removing {jobDirectory} again also failed ({undoFailure}): remove it by hand; the BatchManager does not drive a batch that is not in batch_active.p.",
                failure.Target,
                failure);
        }
    }

    /// <returns>Null when the job directory is gone, else why it is not.</returns>
    private string? Undo(JobCacheWriter writer, string jobDirectory)
    {
        try
        {
            writer.RemoveJobDirectory(jobDirectory);
            _log($"Removed {jobDirectory} again: the batch could not be written whole.");
            return null;
        }
        catch (SaltBatchException undoFailure)
        {
            return undoFailure.Message;
        }
    }

    private async Task<PingResult> PingAsync(StartOptions options, TimeSpan pingTimeout, Action<PingProgress>? progress, CancellationToken cancellationToken)
    {
        var request = options.Target.Type == "list"
            ? PublishRequest.Ping(options.Target.Minions)
            : PublishRequest.Ping(options.Target.Expression!, options.Target.Type);
        var (client, credentials) = _publisher();
        _log($"Publishing test.ping to {options.Target} as {credentials}; answers are awaited for up to {pingTimeout.TotalSeconds:0.###}s.");

        // Listening starts, confirmed by an event of our own, before the publish, so an answer cannot arrive unseen.
        var (subscriber, confirmed) = await _bus.SubscribeConfirmedAsync(options.Framing, cancellationToken).ConfigureAwait(false);
        await using var listening = subscriber;
        if (!confirmed)
        {
            _log($"No probe event came back on {_bus.Endpoints.Pub}; answers that arrive before the master relays to us are missed.");
        }

        PingResult ping;
        try
        {
            ping = await MinionPing.RunAsync(subscriber, client, credentials, request, pingTimeout, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (SaltBatchException noMatch) when (noMatch.Kind == SaltFailureKind.NoMinionsMatched)
        {
            throw new SaltBatchException(SaltFailureKind.NoMinions, $"{noMatch.Message} Nothing was started or written.", options.Target.ToString(), noMatch);
        }

        _log($"Ping job {ping.Jid}: {ping.Answered.Count} of {ping.Announced.Count} announced minion(s) answered in {ping.Elapsed.TotalSeconds:0.###}s: {Describe(ping.Answered, "none")}.");
        if (ping.Missing.Count > 0)
        {
            _log($"The master has no accepted key for: {string.Join(", ", ping.Missing)}.");
        }

        return ping;
    }

    private static string Describe(IReadOnlyList<string> minions, string whenEmpty) =>
        minions.Count == 0 ? whenEmpty : minions.Count <= 20 ? string.Join(", ", minions) : $"{string.Join(", ", minions.Take(20))} and {minions.Count - 20} more";
}

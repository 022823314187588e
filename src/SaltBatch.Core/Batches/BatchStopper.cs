using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Publish;

namespace SaltBatch.Core.Batches;

/// <summary>
/// <c>salt-run batch.stop &lt;jid&gt; [kill=True]</c> (reference §5.3), then — unlike the runner — confirmation that the
/// master's BatchManager actually halted the batch (§9.2): the <c>salt/batch/&lt;jid&gt;/halted</c> event on the pub
/// stream, or <c>halted: true</c> in <c>.batch.p</c> when the event is missed.
/// </summary>
public sealed class BatchStopper
{
    private readonly BatchCatalog _catalog;
    private readonly MasterEventBus _bus;
    private readonly Func<(PublishClient Client, PublishCredentials Credentials)> _publisher;
    private readonly Action<string> _log;

    /// <param name="publisher">Opens the request-server client and reads the key; called only when a kill is published.</param>
    /// <param name="log">What happened behind the scenes, for the cmdlet's verbose stream. Never given the key.</param>
    public BatchStopper(BatchCatalog catalog, MasterEventBus bus, Func<(PublishClient Client, PublishCredentials Credentials)> publisher, Action<string> log)
    {
        _catalog = catalog;
        _bus = bus;
        _publisher = publisher;
        _log = log;
    }

    /// <exception cref="SaltBatchException">
    /// InvalidJid, NotFound, AlreadyHalted or AlreadyComplete (nothing sent); MasterUnreachable; StopNotConfirmed.
    /// A failed kill publish does not stop the stop: it is reported in <see cref="StopOutcome.KillFailure"/>.
    /// </exception>
    public async Task<StopOutcome> StopAsync(string jid, StopOptions options, CancellationToken cancellationToken)
    {
        var summary = _catalog.GetSummary(jid);
        StopRefusal.ThrowIfNotStoppable(jid, summary);

        // Listen before firing, so the halted event cannot slip by between the two.
        await using var watcher = options.Confirm
            ? await BatchStateWatcher.StartAsync(_bus, _catalog.Layout, _log, "confirming the stop by re-reading .batch.p instead.", cancellationToken).ConfigureAwait(false)
            : null;

        var (kill, killFailure) = options.Kill
            ? await KillActiveMinionsAsync(jid, summary.ActiveMinions, cancellationToken).ConfigureAwait(false)
            : (null, null);

        var stopTag = BatchEvents.StopTag(jid);
        var framing = await _bus.FireAsync(stopTag, new PayloadMap { { "jid", jid }, { "reason", options.Reason } }, options.Framing, cancellationToken).ConfigureAwait(false);
        _log($"Fired {stopTag} on {_bus.Endpoints.Pull} ({framing} framing).");
        if (!options.Confirm)
        {
            return new StopOutcome(jid, framing, kill, killFailure, null);
        }

        var (halted, lastSeen) = await HaltConfirmation.WaitAsync(jid, watcher!, options, _log, _catalog.Layout.BatchStatePath(jid), cancellationToken).ConfigureAwait(false);
        if (halted is null)
        {
            // A master restarted on another Salt version reads the other framing: what was learned may be why.
            _bus.ForgetFraming();
            var sent = kill is null ? $"{stopTag}" : $"saltutil.kill_job to {kill.Minions.Count} minion(s) (job {kill.Jid}) and {stopTag}";
            var observed = HaltConfirmation.DescribeNotHalted(lastSeen, ".batch.p");
            throw new SaltBatchException(
                SaltFailureKind.StopNotConfirmed,
                $"Sent {sent} on {_bus.Endpoints.Pull} ({framing} framing), but the master did not halt batch {jid} within {options.ConfirmTimeout.TotalSeconds:0.#}s: no {BatchEvents.HaltedTag(jid)} event{(watcher!.IsListening ? " arrived" : " could be watched")} and {observed}. Check that the salt-master (and its BatchManager) is running; the stop may still take effect.{ForcedFramingHint(framing, options)}",
                jid);
        }

        return new StopOutcome(jid, framing, kill, killFailure, halted);
    }

    private static string ForcedFramingHint(PullFraming framing, StopOptions options) =>
        options.FramingForcedBy is null
            ? string.Empty
            : $" The {framing} framing was forced by {options.FramingForcedBy}, not probed: a master whose pull side reads the other framing never sees the stop (recent 3006 and 3007 builds read the 4-byte length prefix too, so the Salt version does not tell). Run it again with -Framing Auto (and $env:SALTBATCH_EVENT_FRAMING unset or Auto), which probes the master; or look for the length prefix in frame_msg_ipc of the master's installed salt/transport/frame.py.";

    /// <summary>Why the kill failed, and what the user is left with: the in-flight jobs still run, and how to end them.</summary>
    private static SaltBatchException KillNotPublished(string jid, IReadOnlyList<string> minions, SaltBatchException cause) =>
        new(
            cause.Kind,
            $"Batch {jid}: the kill was not published, so the job keeps running on {minions.Count} in-flight minion(s) ({string.Join(", ", minions)}); " +
            $"the batch itself is stopped (no new minions are dispatched). {cause.Message} " +
            $"Once that is fixed, kill them with: salt -L {string.Join(",", minions)} saltutil.kill_job {jid}",
            jid,
            cause);

    private async Task<(PublishResult?, SaltBatchException?)> KillActiveMinionsAsync(string jid, IReadOnlyList<string> activeMinions, CancellationToken cancellationToken)
    {
        if (activeMinions.Count == 0)
        {
            _log($"Batch {jid} has no active minions: no saltutil.kill_job to publish.");
            return (null, null);
        }

        var request = PublishRequest.KillJob(activeMinions, jid);
        _log($"Publishing saltutil.kill_job {jid} to {request.Minions.Count} active minion(s): {string.Join(", ", request.Minions)}.");
        try
        {
            var (client, credentials) = _publisher();
            var result = await client.PublishAsync(request, credentials, cancellationToken).ConfigureAwait(false);
            _log($"The master published saltutil.kill_job as job {result.Jid} to {string.Join(", ", result.Minions)}{(result.Missing.Count > 0 ? $" (missing: {string.Join(", ", result.Missing)})" : string.Empty)}.");
            return (result, null);
        }
        catch (SaltBatchException exception)
        {
            _log($"saltutil.kill_job for batch {jid} was not published: {exception.Message} The stop event is sent anyway, as the runner does.");
            return (null, KillNotPublished(jid, request.Minions, exception));
        }
    }
}

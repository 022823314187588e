using System.Text.Json;
using System.Text.Json.Nodes;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Api;

/// <summary>
/// A master reached through its salt-api: the batch runner's functions called with the <c>runner</c> client (§2.6),
/// under the master's own access control, and <c>/events</c> to follow batches. Stops are confirmed as locally: the
/// halted event, or <c>batch.status</c> saying halted.
/// </summary>
public sealed class SaltApiBatchMaster : IBatchMaster
{
    public SaltApiBatchMaster(SaltApiConnection connection)
    {
        Connection = connection;
    }

    public SaltApiConnection Connection { get; }

    public string Name => Connection.Name;

    public string Location => Connection.Endpoint.Uri.ToString();

    public string StateSource => "batch.status";

    public async Task<BatchSummary> GetSummaryAsync(string jid, Action<string> log, CancellationToken cancellationToken)
    {
        Jid.Validate(jid);
        var status = await Connection.RunAsync("batch.status", new JsonObject { ["jid"] = jid }, log, cancellationToken).ConfigureAwait(false);
        return status.ValueKind == JsonValueKind.Object
            ? SaltApiJson.Summary(status)
            : throw new SaltBatchException(
                SaltFailureKind.NotFound,
                $"No batch with JID {jid} on '{Name}' ({Location}): batch.status found no batch state. The JID may be a normal (non-batch) job, or its job directory was cleaned up (keep_jobs_seconds).",
                jid);
    }

    public async Task<IReadOnlyList<ActiveBatchEntry>> ListActiveAsync(Action<string> log, CancellationToken cancellationToken)
    {
        var active = await Connection.RunAsync("batch.list_active", new JsonObject(), log, cancellationToken).ConfigureAwait(false);
        if (active.ValueKind != JsonValueKind.Array)
        {
            throw SaltApiFailures.Unexpected(Connection.Endpoint, "batch.list_active", $"a {active.ValueKind} instead of a list");
        }

        return active.EnumerateArray()
            .Where(summary => summary.ValueKind == JsonValueKind.Object)
            .Select(summary => SaltApiJson.Summary(summary))
            .Select(summary => new ActiveBatchEntry(summary.Jid ?? string.Empty, summary))
            .ToArray();
    }

    /// <summary>The runner's summary counts failures without naming them, and salt-api has no per-minion view.</summary>
    public Task<IReadOnlyList<string>?> GetUnsuccessfulMinionsAsync(string jid, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>?>(null);

    public async Task<StopOutcome> StopAsync(string jid, StopOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        // The runner answers False both for "no such batch" and "already halted"; asking first tells them apart.
        var summary = await GetSummaryAsync(jid, log, cancellationToken).ConfigureAwait(false);
        StopRefusal.ThrowIfNotStoppable(jid, summary, $" on '{Name}'");

        await using var follower = options.Confirm
            ? await FollowAsync(log, "confirming the stop by polling batch.status instead.", cancellationToken).ConfigureAwait(false)
            : null;
        var kwarg = new JsonObject { ["jid"] = jid };
        if (options.Kill)
        {
            kwarg["kill"] = true;
        }

        var stopped = await Connection.RunAsync("batch.stop", kwarg, log, cancellationToken).ConfigureAwait(false);
        log($"salt-api ran batch.stop {jid}{(options.Kill ? " kill=True" : string.Empty)} on '{Name}'; the runner returned {stopped.GetRawText()}.");
        if (stopped.ValueKind != JsonValueKind.True)
        {
            var now = await GetSummaryAsync(jid, log, cancellationToken).ConfigureAwait(false);
            StopRefusal.ThrowIfNotStoppable(jid, now, $" on '{Name}'");
            throw SaltApiFailures.Unexpected(Connection.Endpoint, "batch.stop", $"{stopped.GetRawText()} for a batch that batch.status shows running");
        }

        if (follower is null)
        {
            return new StopOutcome(jid, null, null, null, null);
        }

        var (halted, lastSeen) = await HaltConfirmation.WaitAsync(jid, follower, options, log, $"batch.status on '{Name}'", cancellationToken).ConfigureAwait(false);
        if (halted is null)
        {
            var observed = HaltConfirmation.DescribeNotHalted(lastSeen, "batch.status");
            throw new SaltBatchException(
                SaltFailureKind.StopNotConfirmed,
                $"salt-api ran batch.stop for {jid} on '{Name}' ({Location}), but the master did not halt the batch within {options.ConfirmTimeout.TotalSeconds:0.#}s: no salt/batch/{jid}/halted event{(follower.IsListening ? " arrived" : " could be followed")} and {observed}. Check that the salt-master (and its BatchManager) is running; the stop may still take effect.",
                jid);
        }

        return new StopOutcome(jid, null, null, null, halted);
    }

    public async Task<IBatchFollower> FollowAsync(Action<string> log, string fallback, CancellationToken cancellationToken) =>
        await SaltApiFollower.StartAsync(this, log, fallback, cancellationToken).ConfigureAwait(false);
}

using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Api;

/// <summary>
/// A master reached through its salt-api: the batch runner's functions called with the <c>runner</c> client (§2.6),
/// under the master's own access control, and <c>/events</c> to follow batches. Stops are confirmed as locally: the
/// halted event, or <c>batch.status</c> saying halted.
/// </summary>
public sealed class SaltApiBatchMaster : IBatchMaster
{
    private static readonly TimeSpan OfferFresh = TimeSpan.FromSeconds(5);
    private static readonly ConditionalWeakTable<SaltApiConnection, OfferedBatches> OfferedActive = new();

    public SaltApiBatchMaster(SaltApiConnection connection)
    {
        Connection = connection;
    }

    public SaltApiConnection Connection { get; }

    public string Name => Connection.Name;

    public string Location => Connection.Endpoint.Uri.ToString();

    public string StateSource => "batch.status";

    public string Mention => $" on '{Name}'";

    public bool FiresOnEventBus => false;

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

    /// <summary>
    /// The active batches only, whatever <paramref name="includeHistory"/> says: the history would be a runner call per
    /// key press. One <c>batch.list_active</c> serves the key presses of a few seconds; the answer lives as long as
    /// its connection does.
    /// </summary>
    public async Task<IReadOnlyList<BatchSummary>> OfferJidsAsync(Func<string, bool> jidMatches, bool includeHistory, CancellationToken cancellationToken)
    {
        if (!OfferedActive.TryGetValue(Connection, out var known) || DateTime.UtcNow - known.At >= OfferFresh)
        {
            var entries = await ListActiveAsync(_ => { }, cancellationToken).ConfigureAwait(false);
            known = new OfferedBatches(DateTime.UtcNow, entries.Select(entry => entry.Summary).OfType<BatchSummary>().ToArray());
            OfferedActive.AddOrUpdate(Connection, known);
        }

        return known.Batches.Where(summary => summary.Jid is { } jid && jidMatches(jid)).ToArray();
    }

    /// <summary>Named by the companion runner when it is installed; else null, as the batch runner only counts them.</summary>
    public async Task<IReadOnlyList<string>?> GetUnsuccessfulMinionsAsync(string jid, CancellationToken cancellationToken)
    {
        try
        {
            var view = await GetMinionsAsync(jid, UnsuccessfulQuery, _ => { }, cancellationToken).ConfigureAwait(false);
            return view.Limitation is null ? view.Minions.Select(minion => minion.Minion).ToList() : null;
        }
        catch (SaltBatchException failure) when (failure.Kind is SaltFailureKind.CompanionRunnerMissing or SaltFailureKind.ApiAccessDenied)
        {
            return null;
        }
    }

    private static readonly BatchMinionQuery UnsuccessfulQuery = new() { Outcomes = new HashSet<BatchMinionOutcome> { BatchMinionOutcome.Failed, BatchMinionOutcome.TimedOut } };

    public async Task<BatchMinionView> GetMinionsAsync(string jid, BatchMinionQuery query, Action<string> log, CancellationToken cancellationToken)
    {
        Jid.Validate(jid);
        var kwarg = new JsonObject { ["jid"] = jid };
        if (query.Outcomes is { } outcomes)
        {
            kwarg["outcome"] = new JsonArray(outcomes.Select(outcome => (JsonNode)outcome.ToString()).ToArray());
        }

        if (query.IncludeReturn)
        {
            kwarg["include_return"] = true;
        }

        JsonElement rows;
        try
        {
            rows = await Connection.RunCompanionAsync("saltbatch.minions", kwarg, log, cancellationToken).ConfigureAwait(false);
        }
        catch (SaltBatchException missing) when (missing.Kind == SaltFailureKind.CompanionRunnerMissing)
        {
            return await FromListJobAsync(jid, query, missing, log, cancellationToken).ConfigureAwait(false);
        }

        if (rows.ValueKind != JsonValueKind.Array)
        {
            throw SaltApiFailures.Unexpected(Connection.Endpoint, "saltbatch.minions", $"a {rows.ValueKind} instead of a list");
        }

        log($"salt-api ran saltbatch.minions {jid} on '{Name}': {rows.GetArrayLength()} minions.");
        return new BatchMinionView(Wanted(rows.EnumerateArray().Select(row => SaltApiJson.Minion(row, query.IncludeReturn)).OfType<BatchMinion>(), query).ToList());
    }

    /// <summary>
    /// What upstream offers without the companion runner: <c>batch.status</c> says whether the batch is there and how
    /// big it is, <c>jobs.list_job</c> which minions returned and with what.
    /// </summary>
    private async Task<BatchMinionView> FromListJobAsync(string jid, BatchMinionQuery query, SaltBatchException missing, Action<string> log, CancellationToken cancellationToken)
    {
        var summary = await GetSummaryAsync(jid, log, cancellationToken).ConfigureAwait(false);
        JsonElement job;
        try
        {
            job = await Connection.RunAsync("jobs.list_job", new JsonObject { ["jid"] = jid }, log, cancellationToken).ConfigureAwait(false);
        }
        catch (SaltBatchException failure) when (failure.Kind is not SaltFailureKind.MasterUnreachable)
        {
            throw new SaltBatchException(missing.Kind, $"{missing.Message} Without it, jobs.list_job could not stand in either: {failure.Message}", missing.Target, failure);
        }

        var returned = SaltApiJson.ListJobMinions(job, query.IncludeReturn).ToList();
        log($"salt-api ran jobs.list_job {jid} on '{Name}' instead: {returned.Count} of {summary.Total} minions returned.");
        var limitation = $"SaltBatch's companion runner is not installed on '{Name}', so Get-SaltBatchMinion shows only the {returned.Count} of batch {jid}'s {summary.Total} minions that returned (from jobs.list_job, as done): the other {Math.Max(0, summary.Total - returned.Count)} are pending, active or timed out, which cannot be told apart without it. Install it on the master (Install-SaltBatchRunner; see the README's section for the master admin).";
        return new BatchMinionView(Wanted(returned, query).ToList(), limitation);
    }

    /// <summary>The query's filters the runner was not asked to apply: states, minion names (and outcomes again, for the fallback).</summary>
    private static IEnumerable<BatchMinion> Wanted(IEnumerable<BatchMinion> minions, BatchMinionQuery query) =>
        minions.Where(minion => query.Includes(minion.State) && query.Includes(minion.Minion) && (minion.Outcome is not { } outcome || query.Includes(outcome)));

    public async Task<IEnumerable<BatchHistoryEntry>> ListHistoryAsync(BatchHistoryQuery query, Action<BatchScanProgress>? progress, Action<string> log, CancellationToken cancellationToken)
    {
        var kwarg = new JsonObject();
        AddList(kwarg, "state", query.States?.Select(state => state.ToString()));
        AddList(kwarg, "function", query.Functions);
        AddList(kwarg, "target", query.Targets);
        AddList(kwarg, "user", query.Users);
        if (query.AfterUtc is { } after)
        {
            kwarg["after"] = UnixTime.FromUtc(after);
        }

        if (query.BeforeUtc is { } before)
        {
            kwarg["before"] = UnixTime.FromUtc(before);
        }

        var batches = await Connection.RunCompanionAsync("saltbatch.history", kwarg, log, cancellationToken).ConfigureAwait(false);
        if (batches.ValueKind != JsonValueKind.Array)
        {
            throw SaltApiFailures.Unexpected(Connection.Endpoint, "saltbatch.history", $"a {batches.ValueKind} instead of a list");
        }

        log($"salt-api ran saltbatch.history on '{Name}': {batches.GetArrayLength()} batches.");
        var source = $"saltbatch.history on '{Name}'";
        return batches.EnumerateArray()
            .Where(summary => summary.ValueKind == JsonValueKind.Object)
            .Select(summary => SaltApiJson.Summary(summary))
            .Where(query.Matches)
            .Select(summary => new BatchHistoryEntry(source, summary))
            .ToList();
    }

    private static void AddList(JsonObject kwarg, string name, IEnumerable<string>? values)
    {
        if (values is not null)
        {
            kwarg[name] = new JsonArray(values.Select(value => (JsonNode)value).ToArray());
        }
    }

    /// <summary>The launch keys <c>saltbatch.launch</c> returns, read as the same keys of a <c>.batch.p</c> are.</summary>
    public async Task<BatchLaunch> GetLaunchAsync(string jid, Action<string> log, CancellationToken cancellationToken)
    {
        Jid.Validate(jid);
        var launch = await Connection.RunCompanionAsync("saltbatch.launch", new JsonObject { ["jid"] = jid }, log, cancellationToken).ConfigureAwait(false);
        if (launch.ValueKind != JsonValueKind.Object)
        {
            throw SaltApiFailures.Unexpected(Connection.Endpoint, "saltbatch.launch", $"a {launch.ValueKind} instead of the launch parameters");
        }

        log($"salt-api ran saltbatch.launch {jid} on '{Name}'.");
        return BatchLaunchReader.Read(new PayloadReader(PayloadWriter.Pack(SaltApiJson.Map(launch), useBinType: false)));
    }

    /// <summary>
    /// <c>saltbatch.start</c>, which pings as the master and writes the batch after the master's own checks of the
    /// caller: the same state a local start writes, with the caller's eauth name as its user.
    /// </summary>
    public async Task<StartedBatch> StartAsync(StartOptions options, Action<string> log, Action<PingProgress>? progress, CancellationToken cancellationToken)
    {
        var kwarg = new JsonObject
        {
            ["tgt"] = SaltApiJson.FromPayload(options.Target.Value),
            ["tgt_type"] = options.Target.Type,
            ["job_fun"] = options.Function,
            ["job_arg"] = SaltApiJson.FromPayload(options.Arguments.ToList()),
            ["job_kwarg"] = new JsonObject(options.KeywordArguments.Select(keyword => KeyValuePair.Create(keyword.Key, SaltApiJson.FromPayload(keyword.Value)))),
            ["batch"] = options.BatchSize.ToString(),
            ["job_timeout"] = options.TimeoutSeconds,
            ["failhard"] = options.FailHard,
            ["batch_wait"] = options.BatchWait,
            ["returner"] = options.Returner,
        };
        if (options.RelaunchOf is { } previous)
        {
            kwarg["relaunch_of"] = previous;
        }

        if (options.PingTimeout is { } pingTimeout)
        {
            kwarg["ping_timeout"] = (long)Math.Ceiling(pingTimeout.TotalSeconds);
        }

        var started = await Connection.RunCompanionAsync("saltbatch.start", kwarg, log, cancellationToken).ConfigureAwait(false);
        if (started.ValueKind != JsonValueKind.Object || SaltApiJson.Summary(started) is not { Jid: not null } summary)
        {
            throw SaltApiFailures.Unexpected(Connection.Endpoint, "saltbatch.start", $"{started.GetRawText()} instead of the new batch's summary");
        }

        var down = started.TryGetProperty("down", out var names) && names.ValueKind == JsonValueKind.Array
            ? names.EnumerateArray().Select(name => name.ToString()).ToList()
            : [];
        log($"salt-api ran saltbatch.start on '{Name}': batch {summary.Jid}, {summary.Total} minion(s), {summary.BatchSize} at a time, started as {summary.User}.");
        return new StartedBatch(summary, down, [], null);
    }

    public async Task<StopOutcome> StopAsync(string jid, StopOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        // The runner answers False both for "no such batch" and "already halted"; asking first tells them apart.
        var summary = await GetSummaryAsync(jid, log, cancellationToken).ConfigureAwait(false);
        StopRefusal.ThrowIfNotStoppable(jid, summary, Mention);

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
            StopRefusal.ThrowIfNotStoppable(jid, now, Mention);
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
                $"salt-api ran batch.stop for {jid} on '{Name}' ({Location}), but the master did not halt the batch within {options.ConfirmTimeout.TotalSeconds:0.#}s: no {BatchEvents.HaltedTag(jid)} event{(follower.IsListening ? " arrived" : " could be followed")} and {observed}. Check that the salt-master (and its BatchManager) is running; the stop may still take effect.",
                jid);
        }

        return new StopOutcome(jid, null, null, null, halted);
    }

    public async Task<IBatchFollower> FollowAsync(Action<string> log, string fallback, CancellationToken cancellationToken) =>
        await SaltApiFollower.StartAsync(this, log, fallback, cancellationToken).ConfigureAwait(false);

    private sealed record OfferedBatches(DateTime At, IReadOnlyList<BatchSummary> Batches);
}

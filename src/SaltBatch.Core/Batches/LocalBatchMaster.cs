using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Config;
using SaltBatch.Core.Publish;

namespace SaltBatch.Core.Batches;

/// <summary>
/// The master on this host: its job cache read directly, its event bus and request server spoken to over their
/// sockets (the runner's logic in <see cref="BatchCatalog"/> and <see cref="BatchStopper"/>).
/// </summary>
public sealed class LocalBatchMaster : IBatchMaster
{
    private readonly MasterConfig _config;
    private readonly MasterEventBus _bus;
    private readonly Func<(PublishClient Client, PublishCredentials Credentials)> _publisher;

    /// <param name="config">The master's configuration: whose files a start writes, and its timeouts.</param>
    /// <param name="publisher">Opens the request-server client and reads the key; called only when a ping or a kill is published.</param>
    public LocalBatchMaster(string name, MasterConfig config, BatchCatalog catalog, MasterEventBus bus, Func<(PublishClient Client, PublishCredentials Credentials)> publisher)
    {
        Name = name;
        _config = config;
        Catalog = catalog;
        _bus = bus;
        _publisher = publisher;
    }

    /// <summary>The master <paramref name="config"/> describes: its job cache, its event bus, its request server.</summary>
    public static LocalBatchMaster For(string name, MasterConfig config) =>
        new(name, config, new BatchCatalog(new JobCacheLayout(config.CacheDir, config.HashType)), MasterConnections.Bus(config), () => MasterConnections.Publisher(config));

    public string Name { get; }

    public string Location => Catalog.Layout.CacheDir;

    public string StateSource => ".batch.p";

    public string Mention => string.Empty;

    public bool FiresOnEventBus => true;

    public BatchCatalog Catalog { get; }

    public Task<BatchSummary> GetSummaryAsync(string jid, Action<string> log, CancellationToken cancellationToken)
    {
        log($"Reading {Catalog.Layout.BatchStatePath(jid)} for JID {Jid.Describe(jid)}.");
        return Task.FromResult(Catalog.GetSummary(jid));
    }

    public Task<IReadOnlyList<ActiveBatchEntry>> ListActiveAsync(Action<string> log, CancellationToken cancellationToken)
    {
        var entries = Catalog.ListActive(out var indexNotes).ToList();
        foreach (var note in indexNotes)
        {
            log($"Skipped in {Catalog.Layout.ActiveIndexPath}: {note}.");
        }

        return Task.FromResult<IReadOnlyList<ActiveBatchEntry>>(entries);
    }

    public Task<BatchLaunch> GetLaunchAsync(string jid, Action<string> log, CancellationToken cancellationToken)
    {
        log($"Reading the launch parameters of batch {Jid.Describe(jid)} from {Catalog.Layout.BatchStatePath(jid)}.");
        return Task.FromResult(Catalog.GetLaunch(jid));
    }

    public async Task<StartedBatch> StartAsync(StartOptions options, Action<string> log, Action<PingProgress>? progress, CancellationToken cancellationToken)
    {
        var starter = new BatchStarter(Catalog.Layout, _config.User, _config.GatherJobTimeout, TimeSpan.FromSeconds(_config.Timeout), _bus, _publisher, log);
        return await starter.StartAsync(options, progress, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<BatchSummary>> OfferJidsAsync(Func<string, bool> jidMatches, bool includeHistory, CancellationToken cancellationToken) =>
        Task.FromResult(includeHistory ? JidCandidates.ActiveThenRecent(Catalog, jidMatches) : JidCandidates.Active(Catalog, jidMatches));

    public Task<StopOutcome> StopAsync(string jid, StopOptions options, Action<string> log, CancellationToken cancellationToken) =>
        new BatchStopper(Catalog, _bus, _publisher, log).StopAsync(jid, options, cancellationToken);

    public Task<BatchMinionView> GetMinionsAsync(string jid, BatchMinionQuery query, Action<string> log, CancellationToken cancellationToken)
    {
        var minions = Catalog.GetMinions(jid, query);
        log($"Reading {Catalog.Layout.BatchStatePath(jid)} for JID {Jid.Describe(jid)}.");
        return Task.FromResult(new BatchMinionView(minions));
    }

    public Task<IEnumerable<BatchHistoryEntry>> ListHistoryAsync(BatchHistoryQuery query, Action<BatchScanProgress>? progress, Action<string> log, CancellationToken cancellationToken)
    {
        log($"Scanning {Catalog.Layout.JobsDir} for {JobCacheLayout.BatchStateFileName} files.");
        return Task.FromResult(Catalog.ListHistory(query.Matches, progress, cancellationToken));
    }

    public Task<IReadOnlyList<string>?> GetUnsuccessfulMinionsAsync(string jid, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>?>(Catalog.GetMinions(jid, UnsuccessfulQuery).Select(minion => minion.Minion).ToList());

    private static readonly BatchMinionQuery UnsuccessfulQuery = new() { Outcomes = new HashSet<BatchMinionOutcome> { BatchMinionOutcome.Failed, BatchMinionOutcome.TimedOut } };

    public async Task<IBatchFollower> FollowAsync(Action<string> log, string fallback, CancellationToken cancellationToken) =>
        await BatchStateWatcher.StartAsync(_bus, Catalog.Layout, log, fallback, cancellationToken).ConfigureAwait(false);
}

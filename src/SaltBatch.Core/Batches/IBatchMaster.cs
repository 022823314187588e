using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// One Salt master, however it is reached: read directly on its host (<see cref="LocalBatchMaster"/>) or through its
/// salt-api (<see cref="Api.SaltApiBatchMaster"/>). What the batch runner offers — status, list active, stop — and a
/// way to follow batches as they change. Callers branch on "local or remote" only when they pick the implementation.
/// </summary>
public interface IBatchMaster
{
    /// <summary>The name every result from this master carries: a connection's name, or the local host's name.</summary>
    string Name { get; }

    /// <summary>Where the master is reached, for messages: the salt-api URI, or the job cache directory.</summary>
    string Location { get; }

    /// <summary>What a re-read of a batch's state reads, for messages: <c>.batch.p</c>, or <c>batch.status</c>.</summary>
    string StateSource { get; }

    /// <summary>How a message names this master after what it is about: empty for this host's, <c> on 'prod'</c> for a salt-api one.</summary>
    string Mention { get; }

    /// <summary>Whether SaltBatch fires this master's events itself, on its event bus (so its pull framing matters); through salt-api the runner does.</summary>
    bool FiresOnEventBus { get; }

    /// <summary><c>batch.status</c>.</summary>
    /// <exception cref="SaltBatchException">InvalidJid, NotFound, and the master's own failures.</exception>
    Task<BatchSummary> GetSummaryAsync(string jid, Action<string> log, CancellationToken cancellationToken);

    /// <summary><c>batch.list_active</c>, in the runner's (JID) order; entries the runner would drop say why.</summary>
    /// <param name="log">What happened behind the scenes, for the verbose stream.</param>
    /// <exception cref="SaltBatchException">The master (its index, its salt-api) cannot answer at all.</exception>
    Task<IReadOnlyList<ActiveBatchEntry>> ListActiveAsync(Action<string> log, CancellationToken cancellationToken);

    /// <summary>
    /// What a batch was launched with (function, arguments, size, timeouts, returner), what a relaunch repeats: read
    /// from <c>.batch.p</c>, or through salt-api from the companion runner's <c>saltbatch.launch</c>.
    /// </summary>
    /// <exception cref="SaltBatchException">InvalidJid, NotFound, Corrupt, AccessDenied; the master's own failures.</exception>
    Task<BatchLaunch> GetLaunchAsync(string jid, Action<string> log, CancellationToken cancellationToken);

    /// <summary>
    /// A new master-driven batch: pinged, written with every responder pending and announced, for the master's
    /// BatchManager to drive. Locally as <see cref="BatchStarter"/> does it; through salt-api by the companion runner's
    /// <c>saltbatch.start</c>, which applies the master's own authorization to the caller first.
    /// </summary>
    /// <exception cref="SaltBatchException">NoMinions (nothing written); the ping's, the write's and the master's own failures (<see cref="BatchStarter.StartAsync"/>).</exception>
    /// <param name="progress">How far the ping is, where this side pings (through salt-api the runner pings on the master, unseen).</param>
    Task<StartedBatch> StartAsync(StartOptions options, Action<string> log, Action<PingProgress>? progress, CancellationToken cancellationToken);

    /// <summary><c>batch.stop [kill=True]</c>, then confirmation of the halt unless <see cref="StopOptions.Confirm"/> is off.</summary>
    /// <exception cref="SaltBatchException">InvalidJid, NotFound or AlreadyHalted (nothing sent); StopNotConfirmed; the master's own failures.</exception>
    Task<StopOutcome> StopAsync(string jid, StopOptions options, Action<string> log, CancellationToken cancellationToken);

    /// <summary>
    /// The minions of one batch, as <c>Get-SaltBatchMinion</c> shows them: from <c>.batch.p</c>, or through salt-api
    /// from the companion runner's <c>saltbatch.minions</c> (without it, what <c>jobs.list_job</c> can tell, with the
    /// view's limitation saying so).
    /// </summary>
    /// <exception cref="SaltBatchException">InvalidJid, NotFound, Corrupt, AccessDenied (locally, possibly while enumerating); the master's own failures.</exception>
    Task<BatchMinionView> GetMinionsAsync(string jid, BatchMinionQuery query, Action<string> log, CancellationToken cancellationToken);

    /// <summary>
    /// The batches still in the job cache that the query wants, newest first: scanned locally (entries that cannot
    /// be read say why; <paramref name="progress"/> as it goes), or through the companion runner's <c>saltbatch.history</c>.
    /// </summary>
    /// <exception cref="SaltBatchException">The job cache cannot be listed; the master's own failures.</exception>
    Task<IEnumerable<BatchHistoryEntry>> ListHistoryAsync(BatchHistoryQuery query, Action<BatchScanProgress>? progress, Action<string> log, CancellationToken cancellationToken);

    /// <summary>
    /// The batches to offer while a JID is being typed, best first, each with a matching JID: the active ones, then,
    /// with <paramref name="includeHistory"/> and where the history is cheap to ask (this host), the rest newest first.
    /// Unreadable batches are left out; a key press must never wait long, so answers may be a few seconds old.
    /// </summary>
    /// <exception cref="SaltBatchException">The master cannot answer.</exception>
    Task<IReadOnlyList<BatchSummary>> OfferJidsAsync(Func<string, bool> jidMatches, bool includeHistory, CancellationToken cancellationToken);

    /// <summary>The minions whose outcome is Failed or TimedOut, in file order; null where the master cannot name them (salt-api).</summary>
    /// <exception cref="SaltBatchException">InvalidJid, NotFound, Corrupt, AccessDenied.</exception>
    Task<IReadOnlyList<string>?> GetUnsuccessfulMinionsAsync(string jid, CancellationToken cancellationToken);

    /// <summary>
    /// Starts listening for the master's events (before anything is read or sent, so no announcement slips by).
    /// When the events cannot be followed, logs why and <paramref name="fallback"/>, and the follower only re-reads.
    /// </summary>
    Task<IBatchFollower> FollowAsync(Action<string> log, string fallback, CancellationToken cancellationToken);
}

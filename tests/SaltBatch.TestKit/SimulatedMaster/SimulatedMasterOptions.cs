using SaltBatch.Core.Bus;
using SaltBatch.TestKit.SaltApi;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>How a <see cref="SimulatedMaster"/> is laid out and which master version and faults it imitates.</summary>
public sealed record SimulatedMasterOptions
{
    /// <summary>Holds <c>cachedir/</c>, <c>sock_dir/</c> (unless given) and <c>journal.jsonl</c>; created when missing.</summary>
    public required string RootDirectory { get; init; }

    public string? CacheDirectory { get; init; }

    public string? SocketDirectory { get; init; }

    /// <summary>Master config <c>hash_type</c>, naming the digest behind job directories.</summary>
    public string HashType { get; init; } = "sha256";

    /// <summary>The one framing this master's pull socket understands, as a real master version does.</summary>
    public PullFraming PullFraming { get; init; } = PullFraming.Prefixed;

    public IpcMode IpcMode { get; init; } = IpcMode.Ipc;

    /// <summary>Loopback ports for <see cref="IpcMode.Tcp"/>; 0 picks a free port.</summary>
    public int PullPort { get; init; }

    public int PublishPort { get; init; }

    /// <summary>Request server port; 0 picks a free port.</summary>
    public int RetPort { get; init; }

    /// <summary>Master config <c>user</c>; its key also guards <c>root</c> and <c>sudo_*</c> callers (reference §8.7).</summary>
    public string MasterUser { get; init; } = "salt";

    /// <summary>
    /// Key text per user, written to <c>&lt;cachedir&gt;/.&lt;user&gt;_key</c>. When the master user or root has no entry,
    /// a random key is generated for it, as the master does at start.
    /// </summary>
    public IReadOnlyDictionary<string, string> Keys { get; init; } = new Dictionary<string, string>();

    /// <summary>Minion ids with accepted keys; null means every minion named in any <c>.batch.p</c> of the cache.</summary>
    public IReadOnlyCollection<string>? AcceptedMinions { get; init; }

    /// <summary>Accepted minions that never answer a <c>test.ping</c>; every other accepted minion answers at once.</summary>
    public IReadOnlyCollection<string> DownMinions { get; init; } = [];

    /// <summary>Driven minions all return, successfully, at the first step after their dispatch (no dice).</summary>
    public bool InstantReturns { get; init; }

    /// <summary>Driven minions whose return is a failed state run: filed under <c>done</c> with retcode 2, as Salt files it (§2.3).</summary>
    public IReadOnlyCollection<string> FailingMinions { get; init; } = [];

    /// <summary>
    /// How long the pub socket takes to register a subscriber it has accepted: a busy master's window in which a client
    /// is connected but sees no events.
    /// </summary>
    public TimeSpan SubscribeDelay { get; init; }

    /// <summary>Rewrite <c>batch_active.p</c> continuously (read, a pause, write back), as a busy BatchManager does.</summary>
    public bool IndexChurn { get; init; }

    /// <summary>
    /// Add and retire JIDs of other batches in <c>batch_active.p</c> continuously (read, a pause, write its change), as a
    /// busy BatchManager does; when the master stops, what it meant the index to hold is journaled (<c>index-traffic</c>).
    /// </summary>
    public bool IndexTraffic { get; init; }

    /// <summary>Create <c>&lt;sock_dir&gt;/publish_pull.ipc</c>, the file Salt's client checks to see a running master.</summary>
    public bool PublishPullIpc { get; init; } = true;

    /// <summary>
    /// <c>new</c> events are journaled as <c>ignored</c> and nothing is adopted from them, as with a BatchManager that is
    /// down or busy: whoever starts a batch then has to list it in the index.
    /// </summary>
    public bool NeverAdopt { get; init; }

    /// <summary>Stop events are received and journaled but the batch is left running.</summary>
    public bool NeverHalt { get; init; }

    /// <summary>Advance every batch in the index on a clock, as the BatchManager does (see <see cref="BatchDriver"/>).</summary>
    public bool DriveBatches { get; init; }

    /// <summary>Time between two driving steps (the real manager's loop interval is 5 s).</summary>
    public TimeSpan StepInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Seeds the driven minions' dice: the same seed and step count give the same batch states.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Nothing reaches pub subscribers, neither republished events nor the master's own.</summary>
    public bool DropEvents { get; init; }

    /// <summary>
    /// Master config <c>minimum_auth_version</c>: a request whose envelope <c>version</c> is lower is answered with the
    /// bare text "bad load" before anything else is looked at, as every master since 3006.17 / 3007.9 does (default 3);
    /// 0 accepts any version, as older masters did for clear requests.
    /// </summary>
    public int MinimumAuthVersion { get; init; } = 3;

    /// <summary>Every publish request is answered with AuthenticationError.</summary>
    public bool AuthError { get; init; }

    /// <summary>Every authenticated publish request is refused by publisher_acl (AuthorizationError).</summary>
    public bool AclError { get; init; }

    /// <summary>Requests are received and journaled but never answered.</summary>
    public bool SilentRequestServer { get; init; }

    /// <summary>Every publish request is answered as if no minion matched.</summary>
    public bool NoMinions { get; init; }

    /// <summary>Largest pull frame accepted; a bigger length (such as a bare frame read as a prefix) drops the connection.</summary>
    public int MaxFrameBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Simultaneous connections per listening socket; more are closed on arrival.</summary>
    public int MaxConnections { get; init; } = 64;

    /// <summary>Also serve a salt-api (rest_cherrypy) in front of this master; null serves none.</summary>
    public SimulatedSaltApiOptions? Api { get; init; }
}

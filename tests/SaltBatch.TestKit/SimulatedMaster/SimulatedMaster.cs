using SaltBatch.Core.Cache;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;
using SaltBatch.TestKit.SaltApi;
using SaltBatch.Core.Platform;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// A stand-in Salt master for the cmdlets: the event bus (pull and pub sockets), the BatchManager's stop handling (and,
/// when asked, its driving of batches), and the request server's publish, over a real cachedir/sock_dir layout. Everything it sees or does lands in
/// <see cref="Journal"/>. Dispose closes every socket and waits for its threads.
/// </summary>
public sealed class SimulatedMaster : IDisposable
{
    private readonly object _eventGate = new();
    private readonly List<IDisposable> _owned = [];
    private readonly BatchStateStore _states;
    private readonly BatchStopHandler _stopHandler;
    private readonly BatchNewHandler _newHandler;
    private readonly BatchDriver _driver;
    private long _churnWrites;
    private EventPublishServer? _publisher;

    private SimulatedMaster(SimulatedMasterOptions options)
    {
        Options = options;
        Directory.CreateDirectory(options.RootDirectory);
        CacheDirectory = Path.GetFullPath(options.CacheDirectory ?? Path.Combine(options.RootDirectory, "cachedir"));
        SocketDirectory = Path.GetFullPath(options.SocketDirectory ?? Path.Combine(options.RootDirectory, "sock_dir"));
        Directory.CreateDirectory(CacheDirectory);
        Directory.CreateDirectory(SocketDirectory);
        Layout = new JobCacheLayout(CacheDirectory, options.HashType);
        ActiveIndex = new ActiveBatchIndex(Layout.ActiveIndexPath, ServiceAccount(Options.MasterUser));
        Journal = new MasterJournal(Path.Combine(options.RootDirectory, "journal.jsonl"));
        Keys = KeyFiles.Write(CacheDirectory, options.MasterUser, options.Keys);
        _states = new BatchStateStore(Layout);
        _stopHandler = new BatchStopHandler(_states, ActiveIndex, Journal, Fire, options.NeverHalt);
        _newHandler = new BatchNewHandler(Layout, _states, ActiveIndex, Journal, options.MasterUser, options.NeverAdopt);
        _driver = new BatchDriver(_states, ActiveIndex, Fire, options.Seed, options.InstantReturns, options.FailingMinions);
    }

    public SimulatedMasterOptions Options { get; }

    public string CacheDirectory { get; }

    public string SocketDirectory { get; }

    public JobCacheLayout Layout { get; }

    public ActiveBatchIndex ActiveIndex { get; }

    public MasterJournal Journal { get; }

    /// <summary>The key text per user as written to <c>&lt;cachedir&gt;/.&lt;user&gt;_key</c>.</summary>
    public IReadOnlyDictionary<string, string> Keys { get; }

    /// <summary>Where clients fire events: a <see cref="UnixDomainSocketEndPoint"/> or a loopback <see cref="IPEndPoint"/>.</summary>
    public EndPoint PullEndPoint { get; private set; } = null!;

    /// <summary>Where subscribers connect.</summary>
    public EndPoint PublishEndPoint { get; private set; } = null!;

    public int RetPort { get; private set; }

    public string RequestAddress => $"tcp://127.0.0.1:{RetPort}";

    public int SubscriberCount => _publisher?.SubscriberCount ?? 0;

    /// <summary>The salt-api in front of this master, when <see cref="SimulatedMasterOptions.Api"/> asked for one.</summary>
    public SimulatedSaltApi? Api { get; private set; }

    public static SimulatedMaster Start(SimulatedMasterOptions options)
    {
        var master = new SimulatedMaster(options);
        try
        {
            master.Listen();
            return master;
        }
        catch
        {
            master.Dispose();
            throw;
        }
    }

    /// <summary>Places a batch the way the BatchManager would have: its <c>.batch.p</c> and an index entry.</summary>
    public void WriteBatch(BatchStateDocument batch)
    {
        _states.Write(batch.Jid, batch.ToPayloadMap());
        ActiveIndex.Add(batch.Jid);
    }

    /// <summary>One BatchManager tick over the index; <see cref="SimulatedMasterOptions.DriveBatches"/> calls it on a clock.</summary>
    public void StepBatches()
    {
        lock (_eventGate)
        {
            _driver.StepAll(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        }
    }

    /// <summary>Each accepted minion and whether it answers a ping (the down ones do not).</summary>
    public IReadOnlyDictionary<string, bool> PingAnswers()
    {
        var down = new HashSet<string>(Options.DownMinions, StringComparer.Ordinal);
        return AcceptedMinions().Concat(down).Distinct(StringComparer.Ordinal).ToDictionary(minion => minion, minion => !down.Contains(minion), StringComparer.Ordinal);
    }

    /// <summary>An event a process on the master host fired (a runner): handled as if it came in on the pull socket.</summary>
    public void ReceiveEvent(string tag, PayloadMap data) => OnEvent(EventCodec.PackEvent(tag, data), new MasterEvent(tag, data));

    /// <summary>The batch's current <c>.batch.p</c>, or null when the master would read none.</summary>
    public PayloadMap? ReadBatch(string jid) => _states.Read(jid);

    /// <summary>The master's account when it is not the one this process runs as (root simulating a salt-run master).</summary>
    private static UnixOwner? ServiceAccount(string masterUser) =>
        UnixAccounts.EffectiveUserId() == 0 && UnixAccounts.LookupUser(masterUser) is { Uid: not 0 } account ? account : null;

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
    }

    private void Listen()
    {
        Socket pullListener, publishListener;
        if (Options.IpcMode == IpcMode.Ipc)
        {
            pullListener = ListeningEndpoint.Unix(Path.Combine(SocketDirectory, "master_event_pull.ipc"));
            publishListener = ListeningEndpoint.Unix(Path.Combine(SocketDirectory, "master_event_pub.ipc"));
        }
        else
        {
            pullListener = ListeningEndpoint.Loopback(Options.PullPort);
            publishListener = ListeningEndpoint.Loopback(Options.PublishPort);
        }

        PullEndPoint = pullListener.LocalEndPoint!;
        PublishEndPoint = publishListener.LocalEndPoint!;
        _publisher = new EventPublishServer(publishListener, Options.MaxConnections, Options.SubscribeDelay, count =>
            Journal.Add(JournalKinds.SubscriberConnected, new JsonObject { ["subscribers"] = count }));
        _owned.Add(_publisher);
        _owned.Add(new EventPullServer(pullListener, Options.PullFraming, Options.MaxFrameBytes, Options.MaxConnections, OnEvent, ProtocolError));

        var requests = new PublishRequestHandler(Options, Keys, AcceptedMinions, new JidSource(), Journal, OnKillJob, OnPing);
        var requestServer = new RequestServer(Options.RetPort, requests.Handle, ProtocolError);
        _owned.Add(requestServer);
        RetPort = requestServer.Port;

        if (Options.PublishPullIpc)
        {
            File.WriteAllBytes(Path.Combine(SocketDirectory, "publish_pull.ipc"), []);
        }

        if (Options.DriveBatches)
        {
            _owned.Add(new Ticker(Options.StepInterval, StepBatches));
        }

        if (Options.IndexChurn)
        {
            _owned.Add(new Ticker(TimeSpan.FromMilliseconds(1), ChurnIndex));
        }

        if (Options.IndexTraffic)
        {
            _owned.Add(new IndexTraffic(ActiveIndex, _eventGate, Journal));
        }

        if (Options.Api is { } api)
        {
            Api = new SimulatedSaltApi(this, api);
            _owned.Add(Api);
        }
    }

    /// <summary>Every announced minion that is not down answers at once, as <c>salt/job/&lt;jid&gt;/ret/&lt;id&gt;</c> events.</summary>
    private void OnPing(string jid, IReadOnlyList<string> minions)
    {
        var down = new HashSet<string>(Options.DownMinions, StringComparer.Ordinal);
        _ = Task.Run(() =>
        {
            lock (_eventGate)
            {
                foreach (var minion in minions.Where(minion => !down.Contains(minion)))
                {
                    Fire($"salt/job/{jid}/ret/{minion}", new PayloadMap
                    {
                        { "cmd", "_return" }, { "id", minion }, { "success", true }, { "return", true }, { "retcode", 0L },
                        { "jid", jid }, { "fun", "test.ping" }, { "fun_args", new List<object?>() },
                    });
                }
            }
        });
    }

    /// <summary>A rewrite of the index with a pause between its read and its write, the window in which another writer's entry is lost.</summary>
    private void ChurnIndex()
    {
        lock (_eventGate)
        {
            var jids = ActiveIndex.Read();
            Thread.Sleep(1);
            ActiveIndex.Write(jids);
        }

        if (Interlocked.Increment(ref _churnWrites) % 100 == 0)
        {
            Journal.Add(JournalKinds.IndexChurned, new JsonObject { ["writes"] = Interlocked.Read(ref _churnWrites) });
        }
    }

    private void OnKillJob(string jid, IReadOnlyList<string> minions)
    {
        lock (_eventGate)
        {
            _driver.Killed(jid, minions);
        }
    }

    /// <summary>One event at a time, so the republished stop always precedes the halted event it causes.</summary>
    private void OnEvent(byte[] eventBytes, MasterEvent masterEvent)
    {
        lock (_eventGate)
        {
            Journal.Add(JournalKinds.EventReceived, new JsonObject { ["tag"] = masterEvent.Tag, ["data"] = PayloadJson.ToObject(masterEvent.Data) });
            Publish(eventBytes, masterEvent);
            _ = _stopHandler.TryHandle(masterEvent) || _newHandler.TryHandle(masterEvent);
        }
    }

    /// <summary>Fires the master's own event; the <c>_stamp</c> style follows the master version the framing implies.</summary>
    private void Fire(string tag, PayloadMap data)
    {
        data.Add("_stamp", EventCodec.FormatStamp(DateTime.UtcNow, withOffset: Options.PullFraming == PullFraming.Prefixed));
        var eventBytes = EventCodec.PackEvent(tag, data);
        Publish(eventBytes, new MasterEvent(tag, data));
    }

    private void Publish(byte[] eventBytes, MasterEvent masterEvent)
    {
        if (Options.DropEvents || _publisher is null)
        {
            return;
        }

        var subscribers = _publisher.Publish(EventCodec.WrapFrame(eventBytes));
        Journal.Add(JournalKinds.EventPublished, new JsonObject
        {
            ["tag"] = masterEvent.Tag,
            ["data"] = PayloadJson.ToObject(masterEvent.Data),
            ["subscribers"] = subscribers,
        });
    }

    private IReadOnlyCollection<string> AcceptedMinions() =>
        Options.AcceptedMinions
        ?? _states.ReadAll()
            .SelectMany(state => state.Get("all_minions") as List<object?> ?? [])
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

    private void ProtocolError(string detail) => Journal.Add(JournalKinds.ProtocolError, new JsonObject { ["detail"] = detail });
}

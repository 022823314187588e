using System.Net.Sockets;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;
using SaltBatch.TestKit.SimulatedMaster;

namespace SaltBatch.Core.Tests.SimulatedMaster;

/// <summary>A simulated master in a temp root, plus raw-socket helpers that speak the bus with the core codec only.</summary>
internal sealed class MasterTestBed : IDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    public const string Jid = "20240610120000000000";

    private readonly string _root;

    public MasterTestBed(Func<SimulatedMasterOptions, SimulatedMasterOptions>? configure = null)
    {
        _root = Path.Combine(Path.GetTempPath(), "simmaster-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new SimulatedMasterOptions { RootDirectory = _root };
        Master = TestKit.SimulatedMaster.SimulatedMaster.Start(configure is null ? options : configure(options));
    }

    public TestKit.SimulatedMaster.SimulatedMaster Master { get; }

    public MasterJournal Journal => Master.Journal;

    /// <summary>web1 done, web2 and web4 active (written unsorted), web3 and web5 pending.</summary>
    public static BatchStateDocument RunningBatch(string jid = Jid) => new()
    {
        Jid = jid,
        AllMinions = ["web1", "web2", "web3", "web4", "web5"],
        Pending = ["web5", "web3"],
        Active = new Dictionary<string, double> { ["web4"] = 1718020801.0, ["web2"] = 1718020800.0 },
        Done = new Dictionary<string, object?> { ["web1"] = BatchStateDocument.Returned(true) },
        BatchSize = 2,
        Tgt = "web*",
        Created = 1718020800.0,
        LastProgress = 1718020802.25,
    };

    public static PayloadMap StopData(string jid = Jid, string reason = "stop") => new()
    {
        { "jid", jid },
        { "reason", reason },
        { "_stamp", EventCodec.FormatStamp(DateTime.UtcNow, withOffset: true) },
    };

    public Socket ConnectPull() => Connect(Master.PullEndPoint);

    /// <summary>Fires one event on a fresh connection, then closes it, as the runner does.</summary>
    public void Fire(string tag, PayloadMap data, PullFraming framing)
    {
        using var pull = ConnectPull();
        pull.Send(EventCodec.FrameForPull(EventCodec.PackEvent(tag, data), framing));
    }

    public void FireStop(PullFraming framing, string jid = Jid) => Fire($"salt/batch/{jid}/stop", StopData(jid), framing);

    /// <summary>Connects a subscriber and waits until the master has registered it, so nothing published after is missed.</summary>
    public Subscriber Subscribe()
    {
        var before = Master.SubscriberCount;
        var subscriber = new Subscriber(Connect(Master.PublishEndPoint));
        Assert.True(SpinWait.SpinUntil(() => Master.SubscriberCount > before, Deadline), "the master did not register the subscriber");
        return subscriber;
    }

    public JournalRecord WaitFor(string kind, Func<JournalRecord, bool>? match = null)
    {
        var found = Journal.WaitFor(record => record.Kind == kind && (match is null || match(record)), Deadline);
        Assert.True(found is not null, $"no {kind} record within {Deadline}; journal: {string.Join(" | ", Journal.Snapshot().Select(r => r.ToJsonLine()))}");
        return found;
    }

    public void Dispose()
    {
        Master.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private static Socket Connect(System.Net.EndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, endPoint.AddressFamily == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
        socket.Connect(endPoint);
        return socket;
    }
}

using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Platform;
using SaltBatch.TestKit.SimulatedMaster;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.SimulatedMaster;

/// <summary>
/// The simulated BatchManager reads a new batch's state as the master's user, so the end-to-end ownership tests can
/// fail: a 0600 file owned by someone else is dropped, as a real master running as salt drops a root-owned one.
/// </summary>
public sealed class NewHandlingTests
{
    private const string MasterUser = "nobody";

    [Fact]
    public void A_state_the_masters_user_cannot_read_is_dropped_and_the_same_state_given_to_it_is_adopted()
    {
        using var bed = new MasterTestBed(options => options with { MasterUser = MasterUser });
        var jid = MasterTestBed.Jid;
        var path = bed.Master.Layout.BatchStatePath(jid);
        // Written by this process with mode 0600, as the salt CLI writes it (start-and-api §1.9, defect 1).
        new BatchStateStore(bed.Master.Layout).Write(jid, MasterTestBed.RunningBatch().ToPayloadMap());

        bed.Fire($"salt/batch/{jid}/new", NewData(jid), PullFraming.Prefixed);

        Assert.Equal("unreadable", bed.WaitFor(JournalKinds.BatchNewHandled).Text("action"));
        Assert.DoesNotContain(jid, bed.Master.ActiveIndex.Read());

        // Giving the file away needs root, which CI has.
        if (UnixAccounts.EffectiveUserId() != 0)
        {
            return;
        }

        Chown.To(path, UnixAccounts.LookupUser(MasterUser)!.Value);
        bed.Fire($"salt/batch/{jid}/new", NewData(jid), PullFraming.Prefixed);

        bed.WaitFor(JournalKinds.BatchNewHandled, record => record.Text("action") == "adopted");
        Assert.Contains(jid, bed.Master.ActiveIndex.Read());
    }

    private static PayloadMap NewData(string jid) => new()
    {
        { "jid", jid },
        { "fun", "test.ping" },
        { "tgt", "web*" },
        { "tgt_type", "glob" },
        { "user", "root" },
        { "total_minions", 5L },
        { "batch_size", 2L },
        { "driver", "master" },
        { "created", 1718020800.0 },
        { "_stamp", EventCodec.FormatStamp(DateTime.UtcNow, withOffset: true) },
    };
}

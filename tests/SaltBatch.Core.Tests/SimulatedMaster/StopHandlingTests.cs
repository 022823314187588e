using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;
using SaltBatch.TestKit.SimulatedMaster;

namespace SaltBatch.Core.Tests.SimulatedMaster;

public sealed class StopHandlingTests
{
    [Theory]
    [InlineData(PullFraming.Prefixed)]
    [InlineData(PullFraming.Bare)]
    public void A_stop_in_the_masters_framing_halts_the_batch_retires_it_and_announces_it(PullFraming framing)
    {
        using var bed = new MasterTestBed(options => options with { PullFraming = framing });
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());
        using var subscriber = bed.Subscribe();

        bed.FireStop(framing);

        var republished = subscriber.Next();
        Assert.Equal($"salt/batch/{MasterTestBed.Jid}/stop", republished.Tag);
        Assert.Equal("stop", republished.Data.Get("reason"));

        var halted = subscriber.Next();
        Assert.Equal($"salt/batch/{MasterTestBed.Jid}/halted", halted.Tag);
        Assert.Equal(
            ["jid", "fun", "tgt", "tgt_type", "user", "reason", "completed", "failed", "abandoned_active", "abandoned_pending", "duration", "_stamp"],
            halted.Data.Keys.Cast<string>());
        Assert.Equal("stop", halted.Data.Get("reason"));
        Assert.Equal(1L, halted.Data.Get("completed"));
        Assert.Equal(0L, halted.Data.Get("failed"));
        Assert.Equal(new object?[] { "web2", "web4" }, halted.Data.Get("abandoned_active"));
        Assert.Equal(new object?[] { "web5", "web3" }, halted.Data.Get("abandoned_pending"));
        Assert.Equal(framing == PullFraming.Prefixed, ((string)halted.Data.Get("_stamp")!).EndsWith("+00:00", StringComparison.Ordinal));

        // The manager fires halted before it retires the JID; the journal entry comes after both.
        Assert.Equal("halted", bed.WaitFor(JournalKinds.StopHandled).Text("action"));
        var state = bed.Master.ReadBatch(MasterTestBed.Jid)!;
        Assert.Equal(24, state.Count);
        Assert.Equal(true, state.Get("halted"));
        Assert.Equal("stop", state.Get("halted_reason"));
        Assert.True((double)state.Get("last_progress")! > 1718020802.25);
        Assert.DoesNotContain(MasterTestBed.Jid, bed.Master.ActiveIndex.Read());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(bed.Master.Layout.BatchStatePath(MasterTestBed.Jid)));
        }

        Assert.Empty(Directory.GetFiles(bed.Master.Layout.JidDirectory(MasterTestBed.Jid), AtomicFile.TempPrefix + "*"));

        Assert.Empty(bed.Journal.OfKind(JournalKinds.ProtocolError));
    }

    [Fact]
    public void A_stop_reason_other_than_stop_is_kept()
    {
        using var bed = new MasterTestBed();
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());

        bed.Fire($"salt/batch/{MasterTestBed.Jid}/stop", MasterTestBed.StopData(reason: "operator-requested"), PullFraming.Prefixed);

        bed.WaitFor(JournalKinds.StopHandled);
        Assert.Equal("operator-requested", bed.Master.ReadBatch(MasterTestBed.Jid)!.Get("halted_reason"));
    }

    [Fact]
    public void A_stop_for_an_unknown_or_already_halted_batch_only_retires_it()
    {
        using var bed = new MasterTestBed();
        bed.Master.WriteBatch(MasterTestBed.RunningBatch() with { Halted = true, HaltedReason = "failhard" });
        bed.Master.ActiveIndex.Add("20240610120500000000");
        using var subscriber = bed.Subscribe();

        bed.FireStop(PullFraming.Prefixed);
        bed.FireStop(PullFraming.Prefixed, "20240610120500000000");

        Assert.Equal($"salt/batch/{MasterTestBed.Jid}/stop", subscriber.Next().Tag);
        Assert.Equal("salt/batch/20240610120500000000/stop", subscriber.Next().Tag);
        bed.WaitFor(JournalKinds.StopHandled, record => record.Text("jid") == "20240610120500000000");
        Assert.All(bed.Journal.OfKind(JournalKinds.StopHandled), record => Assert.Equal("retired", record.Text("action")));
        Assert.Empty(bed.Master.ActiveIndex.Read());
        Assert.Equal("failhard", bed.Master.ReadBatch(MasterTestBed.Jid)!.Get("halted_reason"));
        Assert.True(subscriber.StaysQuiet(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void NeverHalt_receives_the_stop_but_leaves_the_batch_running()
    {
        using var bed = new MasterTestBed(options => options with { NeverHalt = true });
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());
        var before = File.ReadAllBytes(bed.Master.Layout.BatchStatePath(MasterTestBed.Jid));
        using var subscriber = bed.Subscribe();

        bed.FireStop(PullFraming.Prefixed);

        Assert.Equal($"salt/batch/{MasterTestBed.Jid}/stop", subscriber.Next().Tag);
        Assert.Equal("ignored", bed.WaitFor(JournalKinds.StopHandled).Text("action"));
        Assert.Equal(before, File.ReadAllBytes(bed.Master.Layout.BatchStatePath(MasterTestBed.Jid)));
        Assert.Contains(MasterTestBed.Jid, bed.Master.ActiveIndex.Read());
        Assert.True(subscriber.StaysQuiet(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void DropEvents_halts_the_batch_but_publishes_nothing()
    {
        using var bed = new MasterTestBed(options => options with { DropEvents = true });
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());
        using var subscriber = bed.Subscribe();

        bed.FireStop(PullFraming.Prefixed);

        Assert.Equal("halted", bed.WaitFor(JournalKinds.StopHandled).Text("action"));
        Assert.Equal(true, bed.Master.ReadBatch(MasterTestBed.Jid)!.Get("halted"));
        Assert.True(subscriber.StaysQuiet(TimeSpan.FromMilliseconds(200)));
        Assert.Empty(bed.Journal.OfKind(JournalKinds.EventPublished));
        Assert.Single(bed.Journal.OfKind(JournalKinds.EventReceived));
    }

    [Fact]
    public void The_journal_file_carries_the_same_records_as_json_lines()
    {
        using var bed = new MasterTestBed();
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());

        bed.FireStop(PullFraming.Prefixed);

        bed.WaitFor(JournalKinds.StopHandled);
        var lines = File.ReadAllLines(bed.Journal.Path).Select(line => System.Text.Json.Nodes.JsonNode.Parse(line)!).ToList();
        var received = Assert.Single(lines, line => (string?)line["kind"] == JournalKinds.EventReceived);
        Assert.Equal($"salt/batch/{MasterTestBed.Jid}/stop", (string?)received["tag"]);
        Assert.Equal("stop", (string?)received["data"]!["reason"]);
        Assert.Contains(lines, line => (string?)line["kind"] == JournalKinds.StopHandled && (string?)line["action"] == "halted");
    }
}

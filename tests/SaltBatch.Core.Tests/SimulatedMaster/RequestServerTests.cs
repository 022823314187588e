using NetMQ;
using NetMQ.Sockets;
using SaltBatch.Core.Payload;
using SaltBatch.TestKit.SimulatedMaster;

namespace SaltBatch.Core.Tests.SimulatedMaster;

public sealed class RequestServerTests
{
    private static readonly TimeSpan ReplyWait = TimeSpan.FromSeconds(5);

    /// <summary>The kill_job envelope of reference §8.3, keys in wire order.</summary>
    private static byte[] KillJobEnvelope(IEnumerable<string> minions, string key, string user = "root", int version = 3) =>
        PayloadWriter.Pack(
            new PayloadMap
            {
                { "enc", "clear" },
                {
                    "load", new PayloadMap
                    {
                        { "cmd", "publish" },
                        { "tgt", minions.ToList() },
                        { "fun", "saltutil.kill_job" },
                        { "arg", new List<object?> { MasterTestBed.Jid } },
                        { "key", key },
                        { "tgt_type", "list" },
                        { "ret", string.Empty },
                        { "jid", string.Empty },
                        { "user", user },
                    }
                },
                { "version", version },
            },
            useBinType: false);

    private static object? Request(MasterTestBed bed, byte[] envelope, TimeSpan wait)
    {
        using var request = new RequestSocket();
        request.Options.Linger = TimeSpan.Zero;
        request.Connect(bed.Master.RequestAddress);
        request.SendFrame(envelope);
        return request.TryReceiveFrameBytes(wait, out var reply)
            ? PayloadReader.ReadDocument(reply, TextDecoding.FileSemantics)
            : null;
    }

    private static PayloadMap? RequestMap(MasterTestBed bed, byte[] envelope, TimeSpan wait) =>
        Request(bed, envelope, wait) is { } reply ? Assert.IsType<PayloadMap>(reply) : null;

    [Fact]
    public void A_correct_kill_job_publish_is_accepted_and_journaled_without_the_key()
    {
        using var bed = new MasterTestBed();
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());
        var key = bed.Master.Keys["salt"];

        var reply = RequestMap(bed, KillJobEnvelope(["web2", "web4", "ghost"], key), ReplyWait)!;

        Assert.Equal(["enc", "load"], reply.Keys.Cast<string>());
        var load = Assert.IsType<PayloadMap>(reply.Get("load"));
        Assert.Matches("^[0-9]{20}$", (string)load.Get("jid")!);
        Assert.Equal(new object?[] { "web2", "web4" }, load.Get("minions"));
        Assert.Equal(new object?[] { "ghost" }, load.Get("missing"));

        var record = bed.WaitFor(JournalKinds.PublishReceived);
        Assert.Equal("saltutil.kill_job", record.Text("fun"));
        Assert.Equal("list", record.Text("tgt_type"));
        Assert.Equal("root", record.Text("user"));
        Assert.True(record.Fields["accepted"]!.GetValue<bool>());
        Assert.Equal(MasterTestBed.Jid, record.Fields["arg"]![0]!.GetValue<string>());
        Assert.DoesNotContain(key, File.ReadAllText(bed.Journal.Path));
        Assert.DoesNotContain(key, record.ToJsonLine());
        Assert.Empty(bed.Journal.OfKind(JournalKinds.ProtocolError));
    }

    [Theory]
    [InlineData("root")]
    [InlineData("sudo_alice")]
    [InlineData("salt")]
    public void Wrong_key_is_an_authentication_error(string user)
    {
        using var bed = new MasterTestBed();
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());

        var reply = RequestMap(bed, KillJobEnvelope(["web2"], "not-the-key", user), ReplyWait)!;

        var error = Assert.IsType<PayloadMap>(reply.Get("error"));
        Assert.Equal("AuthenticationError", error.Get("name"));
        Assert.Equal("Authentication error occurred.", error.Get("message"));
        Assert.False(bed.WaitFor(JournalKinds.PublishReceived).Fields["accepted"]!.GetValue<bool>());
    }

    [Fact]
    public void The_auth_error_switch_refuses_even_the_right_key()
    {
        using var bed = new MasterTestBed(options => options with { AuthError = true });
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());

        var reply = RequestMap(bed, KillJobEnvelope(["web2"], bed.Master.Keys["salt"]), ReplyWait)!;

        Assert.Equal("AuthenticationError", ((PayloadMap)reply.Get("error")!).Get("name"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Unknown_minions_or_the_no_minions_switch_give_the_no_minions_reply(bool noMinionsSwitch)
    {
        using var bed = new MasterTestBed(options => options with { NoMinions = noMinionsSwitch });
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());
        string[] targets = noMinionsSwitch ? ["web2"] : ["ghost1", "ghost2"];

        var reply = RequestMap(bed, KillJobEnvelope(targets, bed.Master.Keys["salt"]), ReplyWait)!;

        Assert.Equal("clear", reply.Get("enc"));
        var load = Assert.IsType<PayloadMap>(reply.Get("load"));
        Assert.Null(load.Get("jid"));
        Assert.Empty(Assert.IsType<List<object?>>(load.Get("minions")));
        Assert.StartsWith("Master could not resolve minions for target [", (string)load.Get("error")!);
    }

    [Fact]
    public void A_silent_request_server_never_replies()
    {
        using var bed = new MasterTestBed(options => options with { SilentRequestServer = true });
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());

        using var request = new RequestSocket();
        request.Options.Linger = TimeSpan.Zero;
        request.Connect(bed.Master.RequestAddress);
        request.SendFrame(KillJobEnvelope(["web2"], bed.Master.Keys["salt"]));

        // Wait until the master has the request (the socket stays open meanwhile), then check it stays silent.
        Assert.Null(bed.WaitFor(JournalKinds.PublishReceived).Fields["reply"]);
        Assert.False(request.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(500), out _));
    }

    [Fact]
    public void A_load_with_keys_out_of_order_is_served_but_journaled_as_a_protocol_error()
    {
        using var bed = new MasterTestBed(options => options with { AcceptedMinions = ["web2"] });
        var envelope = PayloadWriter.Pack(
            new PayloadMap
            {
                { "load", new PayloadMap { { "cmd", "publish" }, { "fun", "saltutil.kill_job" }, { "tgt", new List<object?> { "web2" } }, { "arg", new List<object?>() }, { "key", bed.Master.Keys["salt"] }, { "tgt_type", "list" }, { "ret", "" }, { "jid", "" }, { "user", "root" } } },
                { "enc", "clear" },
                { "version", 3 },
            },
            useBinType: false);

        var reply = RequestMap(bed, envelope, ReplyWait)!;

        Assert.Equal(new object?[] { "web2" }, ((PayloadMap)reply.Get("load")!).Get("minions"));
        var details = bed.Journal.OfKind(JournalKinds.ProtocolError).Select(record => record.Text("detail")).ToList();
        Assert.Contains(details, detail => detail!.Contains("envelope keys are [load, enc, version]", StringComparison.Ordinal));
        Assert.Contains(details, detail => detail!.Contains("load keys are [cmd, fun, tgt,", StringComparison.Ordinal));
    }

    [Fact]
    public void Kwargs_and_an_order_masters_timeout_in_their_places_are_no_protocol_error()
    {
        using var bed = new MasterTestBed(options => options with { AcceptedMinions = ["web2"] });
        var envelope = PayloadWriter.Pack(
            new PayloadMap
            {
                { "enc", "clear" },
                { "load", new PayloadMap { { "cmd", "publish" }, { "tgt", new List<object?> { "web2" } }, { "fun", "saltutil.kill_job" }, { "arg", new List<object?>() }, { "key", bed.Master.Keys["salt"] }, { "tgt_type", "list" }, { "ret", "" }, { "jid", "" }, { "kwargs", new PayloadMap() }, { "user", "root" }, { "to", 5 } } },
                { "version", 3 },
            },
            useBinType: false);

        Assert.NotNull(Request(bed, envelope, ReplyWait));
        Assert.Empty(bed.Journal.OfKind(JournalKinds.ProtocolError));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    public void A_version_below_minimum_auth_version_gets_the_bare_bad_load_text_and_nothing_is_published(int version)
    {
        using var bed = new MasterTestBed();
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());

        var reply = Request(bed, KillJobEnvelope(["web2"], bed.Master.Keys["salt"], version: version), ReplyWait);

        Assert.Equal("bad load", reply);
        var refused = bed.WaitFor(JournalKinds.PublishRefused);
        Assert.Equal(version, refused.Fields["version"]!.GetValue<long>());
        Assert.Equal(3, refused.Fields["minimum_auth_version"]!.GetValue<int>());
        Assert.Empty(bed.Journal.OfKind(JournalKinds.PublishReceived));
    }

    [Fact]
    public void A_master_older_than_the_version_check_serves_a_version_2_envelope()
    {
        using var bed = new MasterTestBed(options => options with { MinimumAuthVersion = 0 });
        bed.Master.WriteBatch(MasterTestBed.RunningBatch());

        var reply = RequestMap(bed, KillJobEnvelope(["web2"], bed.Master.Keys["salt"], version: 2), ReplyWait)!;

        Assert.Equal(new object?[] { "web2" }, ((PayloadMap)reply.Get("load")!).Get("minions"));
    }

    [Fact]
    public void A_cmd_other_than_publish_gets_an_empty_map()
    {
        using var bed = new MasterTestBed();
        var envelope = PayloadWriter.Pack(new PayloadMap { { "enc", "clear" }, { "load", new PayloadMap { { "cmd", "_auth" } } }, { "version", 3 } }, useBinType: false);

        Assert.Empty(RequestMap(bed, envelope, ReplyWait)!);
    }
}

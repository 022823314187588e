using System.Net;
using SaltBatch.Core.Api;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Tests.SimulatedMaster;
using SaltBatch.Core.Tests.Support;
using SaltBatch.TestKit.SimulatedMaster;

namespace SaltBatch.Core.Tests.Api;

/// <summary>The salt-api client and the remote master against the simulated salt-api (rest_cherrypy protocol).</summary>
public sealed class SaltApiBatchMasterTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly List<string> _log = [];

    [Fact]
    public async Task Login_gives_the_session_user_eauth_expiry_and_perms()
    {
        using var bed = new SaltApiTestBed();
        using var connection = bed.Connect();

        var session = await connection.LoginAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("saltbatch", session.User);
        Assert.Equal("pam", session.EAuth);
        Assert.Equal(["@runner: batch\\..*, saltbatch\\..*, jobs\\.list_job", "test.*", "web*: state.apply"], session.Perms);
        Assert.InRange(session.ExpiresUtc!.Value, DateTime.UtcNow.AddHours(11), DateTime.UtcNow.AddHours(13));
    }

    [Fact]
    public async Task Status_and_list_active_through_salt_api_equal_the_local_reads()
    {
        using var bed = new SaltApiTestBed();
        bed.Bed.Master.WriteBatch(MasterTestBed.RunningBatch());
        bed.Bed.Master.WriteBatch(MasterTestBed.RunningBatch("20240610120500000000") with { Tgt = "db*" });
        using var connection = bed.Connect();
        var remote = new SaltApiBatchMaster(connection);
        var local = new BatchCatalog(bed.Bed.Master.Layout);

        var status = await remote.GetSummaryAsync(MasterTestBed.Jid, _log.Add, CancellationToken.None).WaitAsync(Bound);
        var active = await remote.ListActiveAsync(_log.Add, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(Comparable(local.GetSummary(MasterTestBed.Jid)), Comparable(status));
        Assert.Equal(local.ListActive(out _).Select(e => Comparable(e.Summary!)), active.Select(e => Comparable(e.Summary!)));
        Assert.Contains(_log, line => line.Contains("logging in as 'saltbatch'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_batch_the_runner_does_not_know_is_NotFound_and_a_bad_jid_is_refused_before_sending()
    {
        using var bed = new SaltApiTestBed();
        using var connection = bed.Connect();
        var remote = new SaltApiBatchMaster(connection);

        var missing = await Assert.ThrowsAsync<SaltBatchException>(() => remote.GetSummaryAsync("20990101000000000000", _log.Add, CancellationToken.None).WaitAsync(Bound));
        var invalid = await Assert.ThrowsAsync<SaltBatchException>(() => remote.GetSummaryAsync("../etc", _log.Add, CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(SaltFailureKind.NotFound, missing.Kind);
        Assert.Contains("'sim'", missing.Message, StringComparison.Ordinal);
        Assert.Equal(SaltFailureKind.InvalidJid, invalid.Kind);
    }

    [Fact]
    public async Task Stop_with_kill_sends_kill_as_a_json_boolean_and_is_confirmed_by_the_halted_event()
    {
        using var bed = new SaltApiTestBed();
        bed.Bed.Master.WriteBatch(MasterTestBed.RunningBatch());
        using var connection = bed.Connect();

        var outcome = await new SaltApiBatchMaster(connection).StopAsync(MasterTestBed.Jid, new StopOptions { Kill = true }, _log.Add, CancellationToken.None).WaitAsync(Bound);

        Assert.True(outcome.Confirmed);
        Assert.Equal("stop", outcome.FinalState!.HaltedReason);
        var call = bed.Bed.WaitFor("api-call", r => r.Text("fun") == "batch.stop");
        Assert.True(call.Fields["chunk"]!["kwarg"]!["kill"]!.GetValue<bool>());
        var publish = bed.Bed.WaitFor("publish-received");
        Assert.Equal(["web2", "web4"], publish.Fields["tgt"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Contains(_log, line => line == $"Saw salt/batch/{MasterTestBed.Jid}/halted (reason: stop)." || line == "batch.status on 'sim' says halted (stop).");
    }

    [Fact]
    public async Task Stop_is_confirmed_by_polling_batch_status_when_no_halted_event_comes()
    {
        using var bed = new SaltApiTestBed(master: options => options with { DropEvents = true });
        bed.Bed.Master.WriteBatch(MasterTestBed.RunningBatch());
        using var connection = bed.Connect();

        var outcome = await new SaltApiBatchMaster(connection).StopAsync(MasterTestBed.Jid, new StopOptions { PollInterval = TimeSpan.FromMilliseconds(100) }, _log.Add, CancellationToken.None).WaitAsync(Bound);

        Assert.True(outcome.Confirmed);
        Assert.Contains(_log, line => line == "batch.status on 'sim' says halted (stop).");
        Assert.DoesNotContain(_log, line => line.StartsWith("Saw ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_halted_batch_is_AlreadyHalted_and_nothing_is_sent()
    {
        using var bed = new SaltApiTestBed();
        bed.Bed.Master.WriteBatch(MasterTestBed.RunningBatch() with { Halted = true, HaltedReason = "failhard" });
        using var connection = bed.Connect();

        var failure = await Assert.ThrowsAsync<SaltBatchException>(() => new SaltApiBatchMaster(connection).StopAsync(MasterTestBed.Jid, new StopOptions(), _log.Add, CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(SaltFailureKind.AlreadyHalted, failure.Kind);
        Assert.DoesNotContain(bed.Bed.Journal.Snapshot(), r => r.Kind == "api-call" && r.Text("fun") == "batch.stop");
    }

    [Fact]
    public async Task A_wrong_password_is_ApiAuthenticationFailed()
    {
        using var bed = new SaltApiTestBed();
        using var connection = bed.Connect(password: "not-the-password");

        var failure = await Assert.ThrowsAsync<SaltBatchException>(() => connection.LoginAsync(CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(SaltFailureKind.ApiAuthenticationFailed, failure.Kind);
        Assert.Contains("Could not authenticate using provided credentials", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_without_the_batch_runner_is_ApiAccessDenied_naming_the_rule()
    {
        using var bed = new SaltApiTestBed();
        using var connection = bed.Connect("viewer", "viewer-password");

        var failure = await Assert.ThrowsAsync<SaltBatchException>(() => new SaltApiBatchMaster(connection).ListActiveAsync(_log.Add, CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(SaltFailureKind.ApiAccessDenied, failure.Kind);
        Assert.Contains("external_auth", failure.Message, StringComparison.Ordinal);
        Assert.Contains("'@runner': ['batch\\..*']", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_runner_client_names_netapi_enable_clients()
    {
        using var bed = new SaltApiTestBed(api => api with { RunnerClientEnabled = false });
        using var connection = bed.Connect();

        var failure = await Assert.ThrowsAsync<SaltBatchException>(() => new SaltApiBatchMaster(connection).ListActiveAsync(_log.Add, CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(SaltFailureKind.ApiClientDisabled, failure.Kind);
        Assert.Contains("netapi_enable_clients", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_master_without_the_batch_runner_names_the_release_that_has_it()
    {
        using var bed = new SaltApiTestBed(api => api with { BatchRunner = false });
        using var connection = bed.Connect();

        var failure = await Assert.ThrowsAsync<SaltBatchException>(() => new SaltApiBatchMaster(connection).ListActiveAsync(_log.Add, CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(SaltFailureKind.BatchRunnerMissing, failure.Kind);
        Assert.Contains("Salt 3008", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_self_signed_certificate_is_refused_unless_the_check_is_skipped()
    {
        using var bed = new SaltApiTestBed();
        using var checking = bed.Connect(skipCertificateCheck: false);
        using var skipping = bed.Connect(skipCertificateCheck: true);

        var failure = await Assert.ThrowsAsync<SaltBatchException>(() => checking.LoginAsync(CancellationToken.None).WaitAsync(Bound));
        var session = await skipping.LoginAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(SaltFailureKind.CertificateNotTrusted, failure.Kind);
        Assert.Contains("-SkipCertificateCheck", failure.Message, StringComparison.Ordinal);
        Assert.Equal("saltbatch", session.User);
        Assert.DoesNotContain(bed.Bed.Journal.Snapshot(), r => r.Kind == "api-login" && r.Fields["user"] is not null && bed.Bed.Journal.Snapshot().Count(x => x.Kind == "api-login") > 1);
    }

    [Fact]
    public async Task A_salt_api_nobody_listens_for_is_MasterUnreachable()
    {
        var port = FreeTcpPort.Find();
        using var connection = new SaltApiConnection(new SaltApiEndpoint { Uri = new Uri($"https://127.0.0.1:{port}/"), Name = "down" }, new NetworkCredential("u", "p"));

        var failure = await Assert.ThrowsAsync<SaltBatchException>(() => connection.LoginAsync(CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(SaltFailureKind.MasterUnreachable, failure.Kind);
        Assert.Contains($"127.0.0.1:{port}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_session_is_renewed_once_with_the_stored_credential()
    {
        using var bed = new SaltApiTestBed();
        bed.Bed.Master.WriteBatch(MasterTestBed.RunningBatch());
        using var connection = bed.Connect();
        var remote = new SaltApiBatchMaster(connection);
        await remote.ListActiveAsync(_log.Add, CancellationToken.None).WaitAsync(Bound);

        bed.ExpireSessions();
        var active = await remote.ListActiveAsync(_log.Add, CancellationToken.None).WaitAsync(Bound);

        Assert.Single(active);
        Assert.Equal(1, connection.Renewals);
        Assert.Equal(2, bed.Bed.Journal.Snapshot().Count(r => r.Kind == "api-login"));
    }

    [Fact]
    public async Task Fan_out_runs_masters_in_parallel_and_keeps_a_failing_master_to_itself()
    {
        // Each runner call takes 3 s: if the masters were asked one after the other, the second call could only
        // arrive once the first had answered. Both arriving while neither has answered proves the overlap.
        using var first = new SaltApiTestBed(api => api with { RunnerDelay = TimeSpan.FromSeconds(3) });
        using var second = new SaltApiTestBed(api => api with { RunnerDelay = TimeSpan.FromSeconds(3) });
        using var one = first.Connect(name: "one");
        using var two = second.Connect(name: "two");
        await Task.WhenAll(one.LoginAsync(CancellationToken.None), two.LoginAsync(CancellationToken.None));
        using var down = new SaltApiConnection(new SaltApiEndpoint { Uri = new Uri($"http://127.0.0.1:{FreeTcpPort.Find()}/"), Name = "down" }, new NetworkCredential("u", "p"));
        IBatchMaster[] masters = [new SaltApiBatchMaster(one), new SaltApiBatchMaster(down), new SaltApiBatchMaster(two)];

        var results = MasterFanOut.Start(masters, master => master.ListActiveAsync(_ => { }, CancellationToken.None));
        var bothAsked = SpinWait.SpinUntil(
            () => first.Bed.Journal.Snapshot().Any(r => r.Kind == "api-call") && second.Bed.Journal.Snapshot().Any(r => r.Kind == "api-call"),
            Bound);
        var answeredBeforeBothAsked = results[0].IsCompleted || results[2].IsCompleted;
        var all = await Task.WhenAll(results).WaitAsync(Bound);

        Assert.True(bothAsked, "both masters were not asked");
        Assert.False(answeredBeforeBothAsked, "a master answered before the other was asked: the calls did not overlap");
        Assert.Equal(["one", "down", "two"], all.Select(r => r.Master.Name));
        Assert.Equal(SaltFailureKind.MasterUnreachable, all[1].Failure!.Kind);
        Assert.Null(all[0].Failure);
        Assert.Null(all[2].Failure);
    }

    [Fact]
    public async Task Wait_follows_events_through_salt_api_until_the_batch_finishes()
    {
        using var bed = new SaltApiTestBed();
        bed.Bed.Master.WriteBatch(MasterTestBed.RunningBatch());
        var updates = await WaitThroughStopAsync(bed, TimeSpan.FromMinutes(5));

        Assert.Equal(BatchWaitUpdateKind.Finished, updates[^1].Kind);
        Assert.True(updates[^1].Summary!.Halted);
        Assert.Contains(_log, line => line.StartsWith("Following https://127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wait_falls_back_to_polling_batch_status_when_no_event_comes()
    {
        using var bed = new SaltApiTestBed(master: options => options with { DropEvents = true });
        bed.Bed.Master.WriteBatch(MasterTestBed.RunningBatch());
        var updates = await WaitThroughStopAsync(bed, TimeSpan.FromMilliseconds(100));

        Assert.Equal(BatchWaitUpdateKind.Finished, updates[^1].Kind);
        Assert.True(updates[^1].Summary!.Halted);
        Assert.DoesNotContain(_log, line => line.StartsWith("Saw ", StringComparison.Ordinal));
    }

    /// <summary>Waits for the test batch through salt-api while the master is told to stop it; returns every update.</summary>
    private async Task<List<BatchWaitUpdate>> WaitThroughStopAsync(SaltApiTestBed bed, TimeSpan pollInterval)
    {
        using var connection = bed.Connect();
        var waiter = new BatchWaiter(new SaltApiBatchMaster(connection), _log.Add);
        var updates = new List<BatchWaitUpdate>();

        var waiting = Task.Run(async () =>
        {
            await foreach (var update in waiter.WaitAsync([MasterTestBed.Jid], new WaitOptions { PollInterval = pollInterval }, CancellationToken.None))
            {
                updates.Add(update);
            }
        });
        Assert.True(SpinWait.SpinUntil(() => bed.Bed.Journal.Snapshot().Any(r => r.Kind == "api-events-open"), Bound), "the wait never opened /events");
        bed.Bed.FireStop(PullFraming.Prefixed);
        await waiting.WaitAsync(Bound);
        return updates;
    }

    [Fact]
    public async Task The_event_stream_reader_takes_salt_api_records_including_the_first_without_a_blank_line()
    {
        var text = "retry: 400\ntag: salt/batch/1/progress\ndata: {\"tag\": \"salt/batch/1/progress\", \"data\": {\"completed\": 3, \"_stamp\": \"x\"}}\n\n"
            + "tag: other\ndata: not json\n\n"
            + "tag: salt/batch/1/halted\ndata: {\"tag\": \"salt/batch/1/halted\", \"data\": {\"reason\": \"stop\"}}\n\n";
        var reader = new ServerSentEventReader(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)));

        var first = await reader.ReadAsync(CancellationToken.None);
        var second = await reader.ReadAsync(CancellationToken.None);
        var end = await reader.ReadAsync(CancellationToken.None);

        Assert.Equal("salt/batch/1/progress", first!.Tag);
        Assert.Equal(3L, first.Data.Get("completed"));
        Assert.Equal("salt/batch/1/halted", second!.Tag);
        Assert.Equal("stop", second.Data.Get("reason"));
        Assert.Null(end);
    }

    private static object Comparable(BatchSummary summary) => new
    {
        summary.Jid, summary.Function, summary.Target, summary.TargetType, summary.Total, summary.Completed, summary.Active,
        summary.Pending, summary.Failed, summary.BatchSize, summary.Halted, summary.HaltedReason, summary.Driver, summary.User,
        summary.Created, summary.LastProgress,
    };
}

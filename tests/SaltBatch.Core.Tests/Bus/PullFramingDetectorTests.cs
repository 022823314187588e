using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Bus;

/// <summary>Detecting the pull framing against fake masters that understand one framing or relay nothing.</summary>
public sealed class PullFramingDetectorTests
{
    private static readonly EventBusSettings QuickProbes = new() { ProbeWindow = TimeSpan.FromMilliseconds(500) };

    [Theory]
    [InlineData(PullFraming.Prefixed)]
    [InlineData(PullFraming.Bare)]
    public async Task DetectsTheFramingTheMasterUnderstandsAndRemembersIt(PullFraming understood)
    {
        await using var master = new FakeEventMaster(understood);
        var detector = new PullFramingDetector(master.Endpoints, QuickProbes);

        var detected = await detector.ResolveAsync(PullFraming.Auto);

        Assert.Equal(understood, detected);
        Assert.Equal(understood, PullFramingDetector.Recall(master.Endpoints.Pull));
        var connectionsAfterDetection = master.PullConnectionCount;
        Assert.Equal(understood, await detector.ResolveAsync(PullFraming.Auto));
        Assert.Equal(connectionsAfterDetection, master.PullConnectionCount);
        PullFramingDetector.Forget(master.Endpoints.Pull);
    }

    [Fact]
    public async Task ExplicitFramingSkipsDetection()
    {
        await using var master = new FakeEventMaster(PullFraming.Bare);

        Assert.Equal(PullFraming.Prefixed, await new PullFramingDetector(master.Endpoints, QuickProbes).ResolveAsync(PullFraming.Prefixed));
        Assert.Equal(0, master.PullConnectionCount);
    }

    [Fact]
    public async Task FailsClearlyWhenNothingComesBack()
    {
        await using var master = new FakeEventMaster(understood: null);
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<SaltBatchException>(() => new PullFramingDetector(master.Endpoints, QuickProbes).ResolveAsync(PullFraming.Auto));

        Assert.Equal(SaltFailureKind.MasterUnreachable, error.Kind);
        Assert.Contains("in both framings", error.Message);
        Assert.Null(PullFramingDetector.Recall(master.Endpoints.Pull));
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task TheBusFiresTheRealEventOnAFreshConnectionInTheDetectedFraming()
    {
        await using var master = new FakeEventMaster(PullFraming.Bare);
        var bus = new MasterEventBus(master.Endpoints, QuickProbes);

        var used = await bus.FireAsync("salt/batch/7/stop", new PayloadMap { { "jid", "7" }, { "reason", "stop" } });

        Assert.Equal(PullFraming.Bare, used);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!master.Received.Any(e => e.Tag == "salt/batch/7/stop") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var stop = Assert.Single(master.Received, e => e.Tag == "salt/batch/7/stop");
        Assert.DoesNotContain("+00:00", (string)stop.Data.Get("_stamp")!);
        Assert.Equal(3, master.PullConnectionCount);
        PullFramingDetector.Forget(master.Endpoints.Pull);
    }

    [Fact]
    public async Task DetectionAgainstAStoppedMasterNamesThePubSocket()
    {
        using var directory = new TempDirectory();
        var endpoints = EventBusEndpoints.InSocketDirectory(directory.Path);

        var error = await Assert.ThrowsAsync<SaltBatchException>(() => new PullFramingDetector(endpoints).ResolveAsync(PullFraming.Auto));

        Assert.Equal(SaltFailureKind.MasterUnreachable, error.Kind);
        Assert.Contains(directory.File("master_event_pub.ipc"), error.Message);
    }
}

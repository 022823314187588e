using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Payload;
using SaltBatch.TestKit;

namespace SaltBatch.Core.Tests.Fuzz;

/// <summary>Real inputs the mutations start from: what the master actually writes and sends.</summary>
internal static class FuzzSeeds
{
    /// <summary>Batch states: the reference's worked example and generated mid-run states with nested returns.</summary>
    public static readonly byte[][] BatchStates =
    [
        WorkedExample.Bytes,
        BatchStateFixture.Generate("20240610120000000000", total: 6, done: 2, active: 2, failed: 1, returnBytes: 8, seed: 1).ToBytes(),
        BatchStateFixture.Generate("20240610120500000000_4242", total: 9, done: 5, active: 1, failed: 2, returnBytes: 40, seed: 2).ToBytes(),
        HaltedWithExtensions(),
    ];

    /// <summary>Event bodies (<c>tag\n\ndata</c>) as the master publishes them.</summary>
    public static readonly byte[][] EventBodies =
    [
        EventCodec.PackEvent("salt/batch/20240610120000000000/stop", new PayloadMap { { "jid", "20240610120000000000" }, { "reason", "stop" }, { "_stamp", "2026-01-02T03:04:05.678901+00:00" } }),
        EventCodec.PackEvent("salt/batch/20240610120000000000/progress", new PayloadMap { { "done", 3L }, { "pending", new List<object?> { "web4", "web5" } }, { "raw", new byte[] { 0, 0xff, 0x0a } } }),
        EventCodec.PackEvent("salt/job/20240610120000000000/ret/web1", new PayloadMap { { "return", new PayloadMap { { 1L, true }, { "nested", new List<object?> { 1.5, null, -7L } } } }, { "retcode", 0L } }),
    ];

    /// <summary>Pub-stream bytes: several frames back to back, as a subscriber reads them.</summary>
    public static readonly byte[][] PubStreams =
    [
        .. EventBodies.Select(EventCodec.WrapFrame),
        EventBodies.SelectMany(EventCodec.WrapFrame).ToArray(),
    ];

    /// <summary>Every seed, for the raw decoder, which must cope with any of them.</summary>
    public static readonly byte[][] All = [.. BatchStates, .. EventBodies, .. PubStreams, ActiveIndex()];

    private static byte[] HaltedWithExtensions()
    {
        var state = BatchStateFixture.Generate("20240610121000000000", total: 4, done: 3, active: 0, failed: 1, returnBytes: 4, seed: 3);
        state.Halted = true;
        state.HaltedReason = "failhard";
        state.Tgt = "web1,web2";
        var document = state.ToPayloadMap();
        document.Add("extra", new List<object?>
        {
            new PayloadExtension(SaltExtensions.DateTimeType, SaltExtensions.EncodeDateTime(new DateTime(2024, 6, 10, 12, 0, 0))),
            new PayloadExtension(SaltExtensions.ConstantType, PayloadWriter.Pack(new List<object?> { "SENTINEL", 1L }, useBinType: true)),
            new PayloadExtension(42, [1, 2, 3]),
            ulong.MaxValue,
            -1234567890123L,
            1.25f,
        });
        return PayloadWriter.Pack(document, useBinType: false);
    }

    private static byte[] ActiveIndex() =>
        PayloadWriter.Pack(new List<object?> { "20240610120000000000", "20240610120500000000" }, useBinType: false);
}

using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Peers;

namespace SaltBatch.Core.Tests.Payload;

/// <summary>A .batch.p written by Python the way the master writes it reads back as Salt itself would read it.</summary>
public sealed class RealisticBatchInteropTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("saltbatch-interop-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteRealisticBatch()
    {
        var path = Path.Combine(_directory, ".batch.p");
        PythonPeer.SaltPayload(["realistic-batch", path]);
        return path;
    }

    private static PayloadMap Read(string path)
    {
        using var reader = new PayloadReader(File.OpenRead(path));
        return Assert.IsType<PayloadMap>(reader.ReadDocument(TextDecoding.FileSemantics));
    }

    [Fact]
    public void ReadsTheValuesPythonWrote()
    {
        var state = Read(WriteRealisticBatch());

        Assert.Equal(24, state.Count);
        Assert.Equal("20240610120000123456", state.Get("jid"));
        Assert.Equal(new object?[] { "web01.example.com", "wéb02.zürich.example", "数据库-03", "minion-🚀-04", "web05" }, state.Get("all_minions"));
        Assert.Equal(1718020801.5, Assert.IsType<PayloadMap>(state.Get("active")).Get("minion-🚀-04"));
        Assert.Equal("timeout", Assert.IsType<PayloadMap>(state.Get("failed")).Get("数据库-03"));
        Assert.Equal(new object?[] { 1718020805.75 }, state.Get("wait"));
        Assert.Equal(new object?[] { "nginx", new List<object?> { "tuple", 2L } }, state.Get("arg"));
        Assert.Equal(2.5, state.Get("batch_wait"));
        Assert.Equal(1718020803.125, state.Get("last_progress"));
        Assert.True(state.ContainsKey("halted_reason"));
        Assert.Null(state.Get("halted_reason"));
        Assert.Equal("salt", state.Get("user"));

        var done = Assert.IsType<PayloadMap>(state.Get("done"));
        var first = Assert.IsType<PayloadMap>(Assert.IsType<PayloadMap>(done.Get("web01.example.com")).Get("ret"));
        // Python folded {1: "a", True: None, None: 2.5} into {1: None, None: 2.5} before writing.
        Assert.Equal(2, first.Count);
        Assert.Equal(1L, first[0].Key);
        Assert.Null(first[0].Value);
        Assert.Null(first[1].Key);
        Assert.Equal(2.5, first[1].Value);

        var second = Assert.IsType<PayloadMap>(done.Get("wéb02.zürich.example"));
        var ret = Assert.IsType<PayloadMap>(second.Get("ret"));
        Assert.Equal(new DateTime(2024, 6, 10, 12, 0, 1, 250), ret.Get("collected"));
        Assert.Equal(new SaltConstant("NOT_SET", null), ret.Get("marker"));
        var opaque = Assert.IsType<PayloadExtension>(ret.Get("opaque"));
        Assert.Equal(42, opaque.TypeCode);
        Assert.Equal(new byte[] { 0x00, 0x01, 0xfe }, opaque.Data);
        Assert.Equal(true, ret[3].Key);
        Assert.Equal("bool key", ret[3].Value);
        Assert.Equal(7.5, ret[4].Key);
        Assert.Equal(new byte[] { 0xff, 0xfe }, ret[5].Key);
        Assert.Equal(new byte[] { 0x80, 0x81 }, ret.Get("raw"));
        var retcode = Assert.IsType<PayloadMap>(second.Get("retcode"));
        Assert.Equal(2L, retcode.Get("state.apply"));
        Assert.Equal(0L, retcode.Get("test.ping"));
    }

    [Fact]
    public void MatchesSaltPayloadLoads()
    {
        var path = WriteRealisticBatch();
        var salt = TaggedJson.Parse(PythonPeer.SaltPayload(["loads", path]));

        Assert.Equal(TaggedJson.Serialize(salt), TaggedJson.Serialize(AsSaltSeesIt(Read(path))));
    }

    /// <summary>
    /// Salt's ext hook returns an unknown ext's bytes (then text when they are UTF-8) and loses the type code;
    /// the reader deliberately keeps it, so compare on Salt's terms.
    /// </summary>
    private static object? AsSaltSeesIt(object? value) => value switch
    {
        PayloadExtension extension => PayloadReader.ReadDocument(
            PayloadWriter.Pack(extension.Data, useBinType: true), TextDecoding.FileSemantics),
        PayloadMap map => map.Aggregate(new PayloadMap(), (copy, entry) =>
        {
            copy.Add(AsSaltSeesIt(entry.Key), AsSaltSeesIt(entry.Value));
            return copy;
        }),
        List<object?> list => list.Select(AsSaltSeesIt).ToList(),
        _ => value,
    };
}

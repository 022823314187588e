using System.Diagnostics;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Payload;

/// <summary>
/// Regressions from the fuzz campaign (docs/fuzzing.md): small inputs whose cost grew faster than their size, and
/// map keys Salt itself cannot load.
/// </summary>
public class HostileShapeTests
{
    private static byte[] Map(int count, Func<int, byte[]> entry) =>
        [0xdf, (byte)(count >> 24), (byte)(count >> 16), (byte)(count >> 8), (byte)count, .. Enumerable.Range(0, count).SelectMany(entry)];

    private static byte[] Array(int count, byte element) =>
        [0xdd, (byte)(count >> 24), (byte)(count >> 16), (byte)(count >> 8), (byte)count, .. Enumerable.Repeat(element, count)];

    [Fact]
    public void ManyDistinctIntegerKeysDecodeInLinearTime()
    {
        // 40,000 keys scanned one by one took about half a minute; hashed, well under a second even on a busy machine.
        var data = Map(40_000, index => [0xcd, (byte)(index >> 8), (byte)index, 0xc0]);

        var stopwatch = Stopwatch.StartNew();
        var map = Assert.IsType<PayloadMap>(PayloadReader.ReadDocument(data, TextDecoding.FileSemantics));

        Assert.Equal(40_000, map.Count);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void EmptyMapsCostLessThanSixtyFourBytesPerInputByte()
    {
        var data = Array(100_000, 0x80);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var list = Assert.IsType<List<object?>>(PayloadReader.ReadDocument(data, TextDecoding.FileSemantics));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(100_000, list.Count);
        Assert.True(allocated < 64L * data.Length, $"allocated {allocated} bytes for {data.Length}");
    }

    [Theory]
    [InlineData("81 80 c0", "a map")]
    [InlineData("81 91 01 c0", "an array")]
    [InlineData("92 c0 81 90 c0", "an array")]
    public void ContainerKeysAreRejectedAsSaltRejectsThem(string hex, string kind)
    {
        // Python's msgpack raises "unhashable type" for these, so Salt's loads fails on the whole document.
        var error = Assert.Throws<PayloadFormatException>(() => PayloadReader.ReadDocument(Hex.Parse(hex), TextDecoding.FileSemantics));

        Assert.Contains($"a map key is {kind}", error.Reason);
    }

    [Fact]
    public void LargeMapsFindEveryKindOfKeyAsPythonWould()
    {
        var map = new PayloadMap();
        object?[] keys = ["jid", 1L, null, 2.5, new byte[] { 1, 2 }, false, ulong.MaxValue, "done", -7L, "x"];
        for (var i = 0; i < keys.Length; i++)
        {
            map.Add(keys[i], i);
        }

        // Python: 1 == 1.0 == True are one key, b"\x01\x02" matches by content; the first position is kept.
        map.Add(1.0, "one");
        map.Add(new byte[] { 1, 2 }, "bytes");
        map.Add(null, "nil");

        Assert.Equal(keys.Length, map.Count);
        Assert.Equal("one", map[1].Value);
        Assert.Equal("nil", map[2].Value);
        Assert.Equal("bytes", map[4].Value);
        Assert.Equal(7, map.Get("done"));
        Assert.Equal(ulong.MaxValue, map[6].Key);
    }

    [Fact]
    public void AnIndexOfManyNonTextEntriesNamesOnlyTheFirstFew()
    {
        using var directory = new TempDirectory();
        var path = directory.File("batch_active.p");
        File.WriteAllBytes(path, Array(50_000, 0x01));

        var jids = ActiveIndexReader.Read(path, out var skipped);

        Assert.Empty(jids);
        Assert.Equal(11, skipped.Count);
        Assert.Equal("49990 more entries are not JID strings", skipped[^1]);
    }
}

using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Payload;

/// <summary>Every encoding a reader must accept (reference §1.5), decoded to the documented .NET values.</summary>
public class DecodingTests
{
    private static object? Decode(string hex, TextDecoding decoding = TextDecoding.FileSemantics) =>
        PayloadReader.ReadDocument(Hex.Parse(hex), decoding);

    [Theory]
    [InlineData("a0", "")]
    [InlineData("a3 61 62 63", "abc")]
    [InlineData("d9 03 61 62 63", "abc")]
    [InlineData("da 00 03 61 62 63", "abc")]
    [InlineData("db 00 00 00 03 61 62 63", "abc")]
    [InlineData("a7 c3 a9 f0 9f 9a 80 21", "é🚀!")]
    public void StrFamilyIsTextUnderBothSemantics(string hex, string expected)
    {
        Assert.Equal(expected, Decode(hex, TextDecoding.FileSemantics));
        Assert.Equal(expected, Decode(hex, TextDecoding.EventSemantics));
    }

    [Theory]
    [InlineData("c4 03 61 62 63")]
    [InlineData("c5 00 03 61 62 63")]
    [InlineData("c6 00 00 00 03 61 62 63")]
    public void BinFamilyIsTextForFilesAndBytesForEvents(string hex)
    {
        Assert.Equal("abc", Decode(hex, TextDecoding.FileSemantics));
        Assert.Equal("abc"u8.ToArray(), Assert.IsType<byte[]>(Decode(hex, TextDecoding.EventSemantics)));
    }

    [Theory]
    [InlineData("c4 02 ff fe", "ff fe")]
    [InlineData("c5 00 02 c0 80", "c0 80")]
    [InlineData("c6 00 00 00 03 ed a0 80", "ed a0 80")]
    public void BinThatIsNotUtf8StaysBytes(string hex, string payload)
    {
        Assert.Equal(Hex.Parse(payload), Assert.IsType<byte[]>(Decode(hex, TextDecoding.FileSemantics)));
        Assert.Equal(Hex.Parse(payload), Assert.IsType<byte[]>(Decode(hex, TextDecoding.EventSemantics)));
    }

    [Theory]
    [InlineData("a2 ff fe", "ff fe")]
    [InlineData("a2 c0 80", "c0 80")]
    [InlineData("d9 03 ed a0 80", "ed a0 80")]
    [InlineData("da 00 02 e2 82", "e2 82")]
    public void StrThatIsNotUtf8StaysBytes(string hex, string payload)
    {
        Assert.Equal(Hex.Parse(payload), Assert.IsType<byte[]>(Decode(hex, TextDecoding.FileSemantics)));
        Assert.Equal(Hex.Parse(payload), Assert.IsType<byte[]>(Decode(hex, TextDecoding.EventSemantics)));
    }

    [Theory]
    [InlineData("00", 0L)]
    [InlineData("7f", 127L)]
    [InlineData("e0", -32L)]
    [InlineData("ff", -1L)]
    [InlineData("cc 80", 128L)]
    [InlineData("cc ff", 255L)]
    [InlineData("cd 01 00", 256L)]
    [InlineData("cd ff ff", 65535L)]
    [InlineData("ce 00 01 00 00", 65536L)]
    [InlineData("ce ff ff ff ff", 4294967295L)]
    [InlineData("cf 00 00 00 01 00 00 00 00", 4294967296L)]
    [InlineData("cf 7f ff ff ff ff ff ff ff", long.MaxValue)]
    [InlineData("d0 df", -33L)]
    [InlineData("d0 80", -128L)]
    [InlineData("d0 01", 1L)]
    [InlineData("d1 ff 7f", -129L)]
    [InlineData("d1 80 00", -32768L)]
    [InlineData("d2 ff ff 7f ff", -32769L)]
    [InlineData("d2 80 00 00 00", (long)int.MinValue)]
    [InlineData("d3 ff ff ff ff 7f ff ff ff", (long)int.MinValue - 1)]
    [InlineData("d3 80 00 00 00 00 00 00 00", long.MinValue)]
    public void IntegersDecodeToLong(string hex, long expected) =>
        Assert.Equal(expected, Assert.IsType<long>(Decode(hex)));

    [Theory]
    [InlineData("cf 80 00 00 00 00 00 00 00", 9223372036854775808UL)]
    [InlineData("cf ff ff ff ff ff ff ff ff", ulong.MaxValue)]
    public void Uint64AboveLongMaxDecodesToUlong(string hex, ulong expected) =>
        Assert.Equal(expected, Assert.IsType<ulong>(Decode(hex)));

    [Theory]
    [InlineData("ca 3f c0 00 00", 1.5)]
    [InlineData("ca c2 f6 00 00", -123.0)]
    [InlineData("cb 41 d9 99 ba b0 00 00 00", 1718020800.0)]
    [InlineData("cb 41 d9 99 ba b0 90 00 00", 1718020802.25)]
    [InlineData("cb 80 00 00 00 00 00 00 00", -0.0)]
    public void FloatsDecodeToDouble(string hex, double expected) =>
        Assert.Equal(expected, Assert.IsType<double>(Decode(hex)));

    [Fact]
    public void NilAndBooleans()
    {
        Assert.Null(Decode("c0"));
        Assert.False(Assert.IsType<bool>(Decode("c2")));
        Assert.True(Assert.IsType<bool>(Decode("c3")));
    }

    [Theory]
    [InlineData("93 01 a1 61 c0")]
    [InlineData("dc 00 03 01 a1 61 c0")]
    [InlineData("dd 00 00 00 03 01 a1 61 c0")]
    public void ArraysOfEveryWidth(string hex) =>
        Assert.Equal(new object?[] { 1L, "a", null }, Assert.IsType<List<object?>>(Decode(hex)));

    [Fact]
    public void NestedEmptyContainers()
    {
        var list = Assert.IsType<List<object?>>(Decode("92 90 80"));
        Assert.Empty(Assert.IsType<List<object?>>(list[0]));
        Assert.Empty(Assert.IsType<PayloadMap>(list[1]));
    }

    [Theory]
    [InlineData("82 a1 61 01 a1 62 c3")]
    [InlineData("de 00 02 a1 61 01 a1 62 c3")]
    [InlineData("df 00 00 00 02 a1 61 01 a1 62 c3")]
    public void MapsOfEveryWidth(string hex)
    {
        var map = Assert.IsType<PayloadMap>(Decode(hex));
        Assert.Equal(["a", "b"], map.Keys);
        Assert.Equal(1L, map.Get("a"));
        Assert.Equal(true, map.Get("b"));
    }

    [Fact]
    public void NonStringKeysKeepTheirTypesAndOrder()
    {
        // {5: "a", True: "b", None: "c", 2.5: "d", b"\xff\xfe": "e", "s": "f"}
        var map = Assert.IsType<PayloadMap>(Decode("86 05 a1 61 c3 a1 62 c0 a1 63 cb 40 04 00 00 00 00 00 00 a1 64 c4 02 ff fe a1 65 a1 73 a1 66"));

        Assert.Equal(6, map.Count);
        Assert.Equal(5L, Assert.IsType<long>(map[0].Key));
        Assert.True(Assert.IsType<bool>(map[1].Key));
        Assert.Null(map[2].Key);
        Assert.Equal(2.5, Assert.IsType<double>(map[3].Key));
        Assert.Equal(Hex.Parse("ff fe"), Assert.IsType<byte[]>(map[4].Key));
        Assert.Equal("s", map[5].Key);
        Assert.Equal(["a", "b", "c", "d", "e", "f"], map.Select(entry => entry.Value));
    }

    [Fact]
    public void DuplicateKeyKeepsFirstPositionAndLastValue()
    {
        // {"a": 1, "b": 2, "a": 3} as Python's dict builds it: {"a": 3, "b": 2}.
        var map = Assert.IsType<PayloadMap>(Decode("83 a1 61 01 a1 62 02 a1 61 03"));

        Assert.Equal(["a", "b"], map.Keys);
        Assert.Equal(3L, map.Get("a"));
    }

    [Fact]
    public void KeysEqualInPythonCollapse()
    {
        // 1 == True == 1.0 in Python, so these three keys are one entry: the first key with the last value.
        var map = Assert.IsType<PayloadMap>(Decode("83 01 a1 61 c3 a1 62 cb 3f f0 00 00 00 00 00 00 a1 63"));

        var entry = Assert.Single(map);
        Assert.Equal(1L, entry.Key);
        Assert.Equal("c", entry.Value);
    }

    [Fact]
    public void LargeIntegerKeysStayDistinct()
    {
        // 2**63 and 2**63 + 1 are the same double but different Python ints.
        var map = Assert.IsType<PayloadMap>(Decode("82 cf 80 00 00 00 00 00 00 00 01 cf 80 00 00 00 00 00 00 01 02"));

        Assert.Equal(2, map.Count);
    }

    [Fact]
    public void Ext78IsDateTime()
    {
        var value = Decode("c7 18 4e" + Hex.Of("20240610T12:00:01.123456"u8.ToArray()));

        Assert.Equal(new DateTime(2024, 6, 10, 12, 0, 1).AddTicks(1_234_560), Assert.IsType<DateTime>(value));
    }

    [Theory]
    [InlineData("c7 0a 4f 92 a7 4e 4f 54 5f 53 45 54 c0", "NOT_SET", null)]
    [InlineData("d7 4f 92 a5 41 42 43 44 45 01", "ABCDE", 1L)]
    public void Ext79IsSaltConstant(string hex, string name, object? value) =>
        Assert.Equal(new SaltConstant(name, value), Assert.IsType<SaltConstant>(Decode(hex)));

    [Theory]
    [InlineData("d4 2a 01", 42, "01")]
    [InlineData("d5 2a 01 02", 42, "01 02")]
    [InlineData("d6 2a 01 02 03 04", 42, "01 02 03 04")]
    [InlineData("d7 2a 01 02 03 04 05 06 07 08", 42, "01 02 03 04 05 06 07 08")]
    [InlineData("d8 2a 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f", 42, "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f")]
    [InlineData("c7 00 05", 5, "")]
    [InlineData("c7 03 2a 61 62 63", 42, "61 62 63")]
    [InlineData("c8 00 03 2a 61 62 63", 42, "61 62 63")]
    [InlineData("c9 00 00 00 03 2a 61 62 63", 42, "61 62 63")]
    [InlineData("d4 fb 00", -5, "00")]
    public void UnknownExtKeepsTypeAndBytes(string hex, int typeCode, string data)
    {
        var extension = Assert.IsType<PayloadExtension>(Decode(hex));

        Assert.Equal(typeCode, extension.TypeCode);
        Assert.Equal(Hex.Parse(data), extension.Data);
    }

    [Theory]
    [InlineData("d6 ff 66 66 ea c0", 1718020800L, 0L)]
    [InlineData("d7 ff 1d 6f 34 54 66 66 ea c0", 1718020800L, 123456789L)]
    [InlineData("c7 0c ff 00 00 01 f4 ff ff ff ff ff ff ff ff", -1L, 500L)]
    public void ExtMinusOneIsTimestamp(string hex, long seconds, long nanoseconds)
    {
        var expected = DateTime.UnixEpoch.AddSeconds(seconds).AddTicks(nanoseconds / 100);

        Assert.Equal(expected, Assert.IsType<DateTime>(Decode(hex)));
    }
}

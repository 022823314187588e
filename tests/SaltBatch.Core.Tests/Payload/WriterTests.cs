using System.Numerics;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Payload;

/// <summary>The msgpack-python encoding rules of reference §1.2 that differ from common .NET defaults.</summary>
public class WriterTests
{
    private static string Pack(object? value, bool useBinType = false) => Hex.Of(PayloadWriter.Pack(value, useBinType));

    private static string Header(object? value, bool useBinType, int length) => Pack(value, useBinType)[..(length * 2)];

    [Theory]
    [InlineData(0, "a0")]
    [InlineData(31, "bf")]
    [InlineData(32, "da0020")]
    [InlineData(255, "da00ff")]
    [InlineData(256, "da0100")]
    [InlineData(65535, "daffff")]
    [InlineData(65536, "db00010000")]
    public void OldSpecStringsNeverUseStr8(int length, string header)
    {
        var text = new string('s', length);

        Assert.Equal(header, Header(text, useBinType: false, header.Length / 2));
        Assert.Equal(header, Header(new byte[length], useBinType: false, header.Length / 2));
    }

    [Theory]
    [InlineData(31, "bf")]
    [InlineData(32, "d920")]
    [InlineData(255, "d9ff")]
    [InlineData(256, "da0100")]
    [InlineData(65536, "db00010000")]
    public void NewSpecStringsUseStr8(int length, string header) =>
        Assert.Equal(header, Header(new string('s', length), useBinType: true, header.Length / 2));

    [Theory]
    [InlineData(0, "c400")]
    [InlineData(255, "c4ff")]
    [InlineData(256, "c50100")]
    [InlineData(65536, "c600010000")]
    public void NewSpecBytesUseBin(int length, string header) =>
        Assert.Equal(header, Header(new byte[length], useBinType: true, header.Length / 2));

    [Fact]
    public void StringLengthCountsUtf8Bytes() =>
        Assert.Equal("da0020" + string.Concat(Enumerable.Repeat("c3a9", 16)), Pack(new string('é', 16)));

    [Theory]
    [InlineData(1718020800.0, "cb41d999bab0000000")]
    [InlineData(1718020802.25, "cb41d999bab0900000")]
    [InlineData(0.0, "cb0000000000000000")]
    [InlineData(1.5, "cb3ff8000000000000")]
    public void FloatsAreAlwaysFloat64(double value, string expected) => Assert.Equal(expected, Pack(value));

    [Fact]
    public void SinglePrecisionIsWidenedToFloat64() => Assert.Equal("cb3ff8000000000000", Pack(1.5f));

    [Theory]
    [InlineData(0L, "00")]
    [InlineData(60L, "3c")]
    [InlineData(127L, "7f")]
    [InlineData(128L, "cc80")]
    [InlineData(200L, "ccc8")]
    [InlineData(255L, "ccff")]
    [InlineData(256L, "cd0100")]
    [InlineData(65535L, "cdffff")]
    [InlineData(65536L, "ce00010000")]
    [InlineData(4294967295L, "ceffffffff")]
    [InlineData(4294967296L, "cf0000000100000000")]
    [InlineData(long.MaxValue, "cf7fffffffffffffff")]
    [InlineData(-1L, "ff")]
    [InlineData(-32L, "e0")]
    [InlineData(-33L, "d0df")]
    [InlineData(-128L, "d080")]
    [InlineData(-129L, "d1ff7f")]
    [InlineData(-32768L, "d18000")]
    [InlineData(-32769L, "d2ffff7fff")]
    [InlineData(long.MinValue, "d38000000000000000")]
    public void IntegersUseTheSmallestFormUnsignedWhenPositive(long value, string expected) => Assert.Equal(expected, Pack(value));

    [Fact]
    public void OtherIntegerTypesFollowTheSameRules()
    {
        Assert.Equal("ccc8", Pack(200));
        Assert.Equal("ccc8", Pack((byte)200));
        Assert.Equal("cdffff", Pack((ushort)65535));
        Assert.Equal("cfffffffffffffffff", Pack(ulong.MaxValue));
        Assert.Equal("d0df", Pack((sbyte)-33));
    }

    [Fact]
    public void IntegersBeyond64BitsBecomeDecimalText() =>
        Assert.Equal("b4" + Hex.Of("18446744073709551616"u8.ToArray()), Pack(BigInteger.Pow(2, 64)));

    [Fact]
    public void MapsKeepInsertionOrder()
    {
        var map = new PayloadMap { { "z", 1L }, { "a", 2L }, { 5L, null } };

        Assert.Equal("83a17a01a1610205c0", Pack(map));
    }

    [Fact]
    public void ContainerHeadersGrowAt16()
    {
        Assert.Equal("9f", Pack(Enumerable.Repeat<object?>(null, 15).ToList())[..2]);
        Assert.Equal("dc0010", Pack(Enumerable.Repeat<object?>(null, 16).ToList())[..6]);
        var map = new PayloadMap();
        for (var i = 0L; i < 16; i++)
        {
            map.Add(i, null);
        }

        Assert.Equal("de0010", Pack(map)[..6]);
    }

    [Fact]
    public void SaltExtensionsUseTheirTypeCodes()
    {
        Assert.Equal("c7184e" + Hex.Of("20240610T12:00:01.123456"u8.ToArray()), Pack(new DateTime(2024, 6, 10, 12, 0, 1).AddTicks(1_234_560)));
        Assert.Equal("c70a4f92a74e4f545f534554c0", Pack(new SaltConstant("NOT_SET", null)));
        Assert.Equal("d42a01", Pack(new PayloadExtension(42, [1])));
    }
}

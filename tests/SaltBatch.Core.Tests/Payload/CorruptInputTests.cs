using System.Diagnostics;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Payload;

/// <summary>Anything Salt could not have written fails with <see cref="PayloadFormatException"/> and nothing else.</summary>
public class CorruptInputTests
{
    private const long AllocationBudget = 1024 * 1024;

    private static PayloadFormatException Rejects(byte[] data) =>
        Assert.Throws<PayloadFormatException>(() => PayloadReader.ReadDocument(data, TextDecoding.FileSemantics));

    private static PayloadFormatException Rejects(string hex) => Rejects(Hex.Parse(hex));

    private static PayloadFormatException RejectsStreamed(byte[] data)
    {
        using var reader = new PayloadReader(new NonSeekableStream(new MemoryStream(data)));
        return Assert.Throws<PayloadFormatException>(() => reader.ReadDocument(TextDecoding.FileSemantics));
    }

    [Fact]
    public void EmptyInputIsTruncated()
    {
        // Callers treat a zero-length file as "no data" before decoding; the decoder itself calls it truncated.
        Assert.StartsWith("truncated", Rejects([]).Reason);
        Assert.StartsWith("truncated", RejectsStreamed([]).Reason);
    }

    [Fact]
    public void EveryTruncationOfTheWorkedExampleIsRejected()
    {
        for (var length = 0; length < WorkedExample.Bytes.Length; length++)
        {
            var prefix = WorkedExample.Bytes[..length];
            Rejects(prefix);
            RejectsStreamed(prefix);
        }
    }

    [Fact]
    public void EverySingleBitFlipOfTheWorkedExampleDecodesOrIsRejected()
    {
        for (var bit = 0; bit < WorkedExample.Bytes.Length * 8; bit++)
        {
            var corrupt = (byte[])WorkedExample.Bytes.Clone();
            corrupt[bit / 8] ^= (byte)(1 << (bit % 8));
            try
            {
                PayloadReader.ReadDocument(corrupt, TextDecoding.FileSemantics);
            }
            catch (PayloadFormatException)
            {
            }
        }
    }

    [Fact]
    public void ReservedTypeCodeIsRejected()
    {
        var error = Rejects("c1");
        Assert.Contains("0xc1", error.Reason);
        Assert.Equal(0, error.Offset);
        Assert.Equal(2, Rejects("92 01 c1").Offset);
    }

    [Theory]
    [InlineData("db ff ff ff ff")]
    [InlineData("c6 ff ff ff ff")]
    [InlineData("dd ff ff ff ff")]
    [InlineData("df ff ff ff ff")]
    [InlineData("c9 ff ff ff ff 2a")]
    public void FourGigabyteClaimFailsFastWithoutAllocating(string header)
    {
        var data = Hex.Parse(header + "78 78 78 78 78 78 78 78 78 78");
        Rejects(data);
        RejectsStreamed(data);

        var stopwatch = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Rejects(data);
        RejectsStreamed(data);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < AllocationBudget, $"allocated {allocated} bytes");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
    }

    [Theory]
    [InlineData("c0 c0")]
    [InlineData("92 01 02 03")]
    [InlineData("a1 61 00")]
    public void TrailingBytesAreRejected(string hex)
    {
        Assert.Contains("after the document", Rejects(hex).Reason);
        Assert.Contains("after the document", RejectsStreamed(Hex.Parse(hex)).Reason);
    }

    [Fact]
    public void NestingAtTheLimitIsAccepted()
    {
        var data = Hex.Parse(string.Concat(Enumerable.Repeat("91", PayloadReader.MaxNestingDepth)) + "c0");

        Assert.IsType<List<object?>>(PayloadReader.ReadDocument(data, TextDecoding.FileSemantics));
    }

    [Theory]
    [InlineData("91")]
    [InlineData("81 c0")]
    public void NestingBeyondTheLimitIsRejected(string level)
    {
        var data = Hex.Parse(string.Concat(Enumerable.Repeat(level, PayloadReader.MaxNestingDepth + 1)) + "c0");

        Assert.Contains("nested deeper", Rejects(data).Reason);
    }

    [Fact]
    public void ConstantsNestedInConstantsCountTowardsTheLimit()
    {
        var payload = Hex.Parse("c0");
        for (var level = 0; level <= PayloadReader.MaxNestingDepth; level++)
        {
            // ext 79 holding [ "X", <previous> ]
            var pair = new byte[] { 0x92, 0xa1, 0x58 }.Concat(payload).ToArray();
            payload = PayloadWriter.Pack(new PayloadExtension(SaltExtensions.ConstantType, pair), useBinType: true);
        }

        Assert.Contains("nested deeper", Rejects(payload).Reason);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("20241310T12:00:00.000000")]
    [InlineData("20240610 12:00:00.000000")]
    [InlineData("")]
    public void MalformedExt78IsRejected(string text)
    {
        var data = PayloadWriter.Pack(new PayloadExtension(SaltExtensions.DateTimeType, System.Text.Encoding.ASCII.GetBytes(text)), useBinType: true);

        Assert.Contains("ext 78", Rejects(data).Reason);
    }

    [Fact]
    public void NonAsciiExt78IsRejected() =>
        Assert.Contains("ext 78", Rejects("d6 4e ff fe 00 01").Reason);

    [Theory]
    [InlineData("")]
    [InlineData("92 a1")]
    [InlineData("92 01 02")]
    [InlineData("91 a1 58")]
    [InlineData("a1 58")]
    [InlineData("92 a1 58 c0 c0")]
    [InlineData("c1")]
    public void MalformedExt79IsRejected(string payload)
    {
        var data = PayloadWriter.Pack(new PayloadExtension(SaltExtensions.ConstantType, Hex.Parse(payload)), useBinType: true);

        Assert.Contains("ext 79", Rejects(data).Reason);
    }

    [Theory]
    [InlineData("d4 ff 00")]
    [InlineData("c7 03 ff 00 00 00")]
    [InlineData("d8 ff 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")]
    public void TimestampOfWrongSizeIsRejected(string hex) =>
        Assert.Contains("timestamp", Rejects(hex).Reason);

    [Fact]
    public void TimestampOutsideDateTimeRangeIsRejected() =>
        Assert.Contains("timestamp", Rejects("c7 0c ff 00 00 00 00 7f ff ff ff ff ff ff ff").Reason);
}

using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Support;
using SaltBatch.TestKit;

namespace SaltBatch.Core.Tests.Payload;

/// <summary>Token-level reading: skipping values exactly, and reading from streams that cannot seek.</summary>
public class StreamingTests
{
    private static readonly byte[] LargeState =
        BatchStateFixture.Generate("20240610120000000000", total: 400, done: 300, active: 20, failed: 10, returnBytes: 600, seed: 7).ToBytes();

    [Fact]
    public void SkipValueStopsRightAfterANestedValue()
    {
        // [ {"a": [1, 2, {"b": <bin 300>}], 3: ext 42}, "next" ]
        var nested = new PayloadMap
        {
            { "a", new List<object?> { 1L, 2L, new PayloadMap { { "b", new byte[300] } } } },
            { 3L, new PayloadExtension(42, [1, 2, 3]) },
        };
        var nestedLength = PayloadWriter.Pack(nested, useBinType: true).Length;
        var data = PayloadWriter.Pack(new List<object?> { nested, "next" }, useBinType: true);
        using var reader = new PayloadReader(data);

        var array = reader.ReadToken();
        Assert.Equal(PayloadTokenKind.Array, array.Kind);
        Assert.Equal(2, array.Length);
        reader.SkipValue();

        Assert.Equal(1 + nestedLength, reader.Position);
        Assert.Equal("next", reader.ReadValue(TextDecoding.FileSemantics));
        reader.EnsureEnd();
        Assert.True(reader.AtEnd);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(200_000)]
    public void RepositionReadsASkippedValueAgainFromTheBufferOrBySeeking(int skippedLength)
    {
        // Behind 3 unrelated bytes of the stream: [ "<skippedLength x a>", "after" ]
        var document = PayloadWriter.Pack(new List<object?> { new string('a', skippedLength), "after" }, useBinType: false);
        using var stream = new MemoryStream([1, 2, 3, .. document]);
        stream.Position = 3;
        using var reader = new PayloadReader(stream);

        reader.ReadToken();
        var skipped = reader.Position;
        reader.SkipValue();
        Assert.Equal("after", reader.ReadValue(TextDecoding.FileSemantics));
        var end = reader.Position;

        reader.Reposition(skipped);
        Assert.Equal(new string('a', skippedLength), reader.ReadValue(TextDecoding.FileSemantics));
        reader.Reposition(end);
        reader.EnsureEnd();
        Assert.True(reader.AtEnd);
    }

    [Fact]
    public void ReadStringEqualsMatchesShortAndLongEncodingsAndAlwaysConsumesTheValue()
    {
        // "retcode" as fixstr, the same text as a (non-canonical) str8, "ret", the int 7, then a fixint and -1.
        using var reader = new PayloadReader(Hex.Parse("a7 72 65 74 63 6f 64 65  d9 07 72 65 74 63 6f 64 65  a3 72 65 74  07  05 ff"));

        Assert.True(reader.ReadStringEquals("retcode"u8));
        Assert.True(reader.ReadStringEquals("retcode"u8));
        Assert.False(reader.ReadStringEquals("retcode"u8));
        Assert.False(reader.ReadStringEquals("retcode"u8));
        Assert.True(reader.TryReadFixInteger(out var five));
        Assert.Equal(5, five);
        Assert.True(reader.TryReadFixInteger(out var minusOne));
        Assert.Equal(-1, minusOne);
        Assert.True(reader.AtEnd);
    }

    [Fact]
    public void TheFixedHeaderPeeksReadNothingWhenTheNextValueIsAnotherKind()
    {
        using var reader = new PayloadReader(Hex.Parse("cd 01 00 81 a1 61 00"));

        Assert.False(reader.TryReadFixInteger(out _));
        Assert.False(reader.TryReadFixMapHeader(out _));
        Assert.Equal(256, reader.ReadToken().Integer);
        Assert.True(reader.TryReadFixMapHeader(out var entries));
        Assert.Equal(1, entries);
        Assert.False(reader.TryReadFixInteger(out _));
        Assert.Equal("a", reader.ReadValue(TextDecoding.FileSemantics));
    }

    [Fact]
    public void SkipValueOverAScalarAndAPayload()
    {
        using var reader = new PayloadReader(Hex.Parse("cd 01 00 a3 61 62 63 c3"));

        reader.SkipValue();
        Assert.Equal(3, reader.Position);
        reader.SkipValue();
        Assert.Equal(7, reader.Position);
        Assert.Equal(true, reader.ReadValue(TextDecoding.FileSemantics));
    }

    [Fact]
    public void SkipValueCountsTheDoneMapWithoutMaterialising()
    {
        using var reader = new PayloadReader(new NonSeekableStream(new MemoryStream(LargeState)));
        var header = reader.ReadToken();
        var doneEntries = -1L;
        for (var i = 0; i < header.Length; i++)
        {
            var key = reader.ReadValue(TextDecoding.FileSemantics);
            if (key is "done")
            {
                var done = reader.ReadToken();
                doneEntries = done.Length;
                for (var entry = 0; entry < done.Length * 2; entry++)
                {
                    reader.SkipValue();
                }
            }
            else
            {
                reader.SkipValue();
            }
        }

        reader.EnsureEnd();
        Assert.Equal(300, doneEntries);
        Assert.Equal(LargeState.Length, reader.Position);
    }

    [Fact]
    public void NonSeekableStreamReadsTheSameDocument()
    {
        var expected = PayloadReader.ReadDocument(LargeState, TextDecoding.FileSemantics);

        using var reader = new PayloadReader(new NonSeekableStream(new MemoryStream(LargeState), maxReadSize: 1000));
        var actual = reader.ReadDocument(TextDecoding.FileSemantics);

        Assert.Equal(Peers.TaggedJson.Serialize(expected), Peers.TaggedJson.Serialize(actual));
        Assert.True(reader.AtEnd);
    }

    [Fact]
    public void NonSeekableStreamReadsAPayloadLargerThanTheWindow()
    {
        var text = new string('é', 150_000);
        var data = PayloadWriter.Pack(new List<object?> { text, text }, useBinType: false);

        using var reader = new PayloadReader(new NonSeekableStream(new MemoryStream(data)));
        Assert.Equal(2, reader.ReadToken().Length);
        reader.SkipValue();
        Assert.Equal(text, reader.ReadValue(TextDecoding.FileSemantics));
        reader.EnsureEnd();
    }

    [Fact]
    public void ExplicitLengthStopsBeforeFollowingBytes()
    {
        var data = Hex.Parse("92 01 02 ff ff");

        using var reader = new PayloadReader(new NonSeekableStream(new MemoryStream(data)), length: 3);
        Assert.Equal(new object?[] { 1L, 2L }, reader.ReadDocument(TextDecoding.FileSemantics));
    }

    [Fact]
    public void FileStreamDocumentIsRead()
    {
        var path = Path.Combine(Path.GetTempPath(), $"saltbatch-{Guid.NewGuid():N}.p");
        try
        {
            File.WriteAllBytes(path, WorkedExample.Bytes);
            using var reader = new PayloadReader(File.OpenRead(path));

            var state = Assert.IsType<PayloadMap>(reader.ReadDocument(TextDecoding.FileSemantics));
            Assert.Equal("20240610120000000000", state.Get("jid"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

using System.Buffers.Binary;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// The newest master's pull side: a 4-byte big-endian length, then that many bytes of frame. A bare frame's first
/// bytes (<c>82 a4 68 65</c>) read as a ~2 GB length; a real master stalls on it, this one refuses it without allocating.
/// </summary>
public sealed class PrefixedPullFrameReader(Stream stream, int maxFrameBytes) : IPullFrameReader
{
    public byte[]? ReadEventBytes()
    {
        Span<byte> prefix = stackalloc byte[EventCodec.LengthPrefixSize];
        var got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got == 0)
        {
            return null;
        }

        if (got < prefix.Length)
        {
            throw new PullFramingException($"the connection closed inside a length prefix ({got} of 4 bytes)");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length > maxFrameBytes)
        {
            throw new PullFramingException($"length prefix 0x{length:x8} ({length} bytes) exceeds the {maxFrameBytes}-byte frame cap; was a bare frame sent to a prefixed master?");
        }

        var frame = new byte[length];
        stream.ReadExactly(frame);
        try
        {
            return EventCodec.UnwrapFrame(PayloadReader.ReadDocument(frame, TextDecoding.EventSemantics))
                ?? throw new PullFramingException("the frame is not a map with a bin body");
        }
        catch (PayloadFormatException error)
        {
            throw new PullFramingException($"the frame is not msgpack: {error.Message}");
        }
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Bus;

/// <summary>
/// The byte layout of master events (reference §7.2–§7.3, §7.6): <c>tag + "\n\n" + msgpack(data, use_bin_type=True)</c>,
/// wrapped in the frame <c>{"head": {}, "body": bin}</c>, optionally behind a 4-byte big-endian length on the pull side.
/// The only place that knows these rules.
/// </summary>
public static class EventCodec
{
    public const int LengthPrefixSize = 4;

    private static readonly byte[] TagEnd = "\n\n"u8.ToArray();

    /// <summary>The event bytes Salt's <c>SaltEvent.pack</c> produces.</summary>
    public static byte[] PackEvent(string tag, PayloadMap data)
    {
        ValidateTag(tag);
        var tagBytes = Encoding.UTF8.GetBytes(tag);
        var dataBytes = PayloadWriter.Pack(data, useBinType: true);
        var packed = new byte[tagBytes.Length + TagEnd.Length + dataBytes.Length];
        tagBytes.CopyTo(packed, 0);
        TagEnd.CopyTo(packed, tagBytes.Length);
        dataBytes.CopyTo(packed, tagBytes.Length + TagEnd.Length);
        return packed;
    }

    /// <summary>The frame <c>{"head": {}, "body": &lt;bin event&gt;}</c> used on both the pull and the pub side.</summary>
    public static byte[] WrapFrame(byte[] eventBytes) =>
        PayloadWriter.Pack(new PayloadMap { { "head", new PayloadMap() }, { "body", eventBytes } }, useBinType: true);

    /// <summary>What goes on the pull socket for one event under <paramref name="framing"/>.</summary>
    public static byte[] FrameForPull(byte[] eventBytes, PullFraming framing)
    {
        var frame = WrapFrame(eventBytes);
        switch (framing)
        {
            case PullFraming.Bare:
                return frame;
            case PullFraming.Prefixed:
                var wire = new byte[LengthPrefixSize + frame.Length];
                BinaryPrimitives.WriteUInt32BigEndian(wire, (uint)frame.Length);
                frame.CopyTo(wire, LengthPrefixSize);
                return wire;
            default:
                throw new ArgumentOutOfRangeException(nameof(framing), framing, "Resolve Auto to a concrete framing before framing an event.");
        }
    }

    /// <summary>Takes the event bytes out of a decoded frame; null when the value is not a frame.</summary>
    public static byte[]? UnwrapFrame(object? frame) =>
        frame is PayloadMap map && map.Get("body") is byte[] body ? body : null;

    /// <summary>
    /// Reads the next frame of a pub stream and returns its body, or null when that value is not a frame (it is
    /// consumed either way). Only the body is materialised, so the reader's payload limit bounds what one frame costs.
    /// </summary>
    public static byte[]? ReadFrameBody(PayloadReader reader)
    {
        var frame = reader.ReadToken();
        if (frame.Kind != PayloadTokenKind.Map)
        {
            reader.Skip(frame);
            return null;
        }

        byte[]? body = null;
        for (long entry = 0; entry < frame.Length; entry++)
        {
            var key = reader.ReadToken();
            var isBody = key.Kind == PayloadTokenKind.String && reader.ReadPayloadText(out _) == "body";
            if (key.Kind != PayloadTokenKind.String)
            {
                reader.Skip(key);
            }

            var value = reader.ReadToken();
            if (isBody && value.Kind is PayloadTokenKind.Binary or PayloadTokenKind.String)
            {
                body = reader.ReadPayloadBytes();
            }
            else
            {
                reader.Skip(value);
            }
        }

        return body;
    }

    /// <summary>Splits event bytes at the first <c>\n\n</c> and decodes the data; throws <see cref="PayloadFormatException"/> when they are not an event.</summary>
    public static MasterEvent DecodeEvent(byte[] eventBytes)
    {
        var split = eventBytes.AsSpan().IndexOf(TagEnd);
        if (split < 0)
        {
            throw new PayloadFormatException("an event has no \\n\\n between tag and data", 0);
        }

        var tag = Encoding.UTF8.GetString(eventBytes, 0, split);
        var dataStart = split + TagEnd.Length;
        var data = PayloadReader.ReadDocument(eventBytes.AsMemory(dataStart), TextDecoding.EventSemantics);
        return data is PayloadMap map
            ? new MasterEvent(tag, map)
            : throw new PayloadFormatException("event data is not a map", dataStart);
    }

    /// <summary>
    /// The <c>_stamp</c> Salt adds: Python's <c>isoformat()</c> of the UTC time (fraction omitted when it is zero),
    /// with <c>+00:00</c> on the newest line and without it on 3006/3007.
    /// </summary>
    public static string FormatStamp(DateTime utcNow, bool withOffset)
    {
        var utc = utcNow.ToUniversalTime();
        var microseconds = utc.Ticks % TimeSpan.TicksPerSecond / 10;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
            + (microseconds == 0 ? string.Empty : "." + microseconds.ToString("D6", CultureInfo.InvariantCulture));
        return withOffset ? text + "+00:00" : text;
    }

    private static void ValidateTag(string tag)
    {
        if (string.IsNullOrEmpty(tag))
        {
            throw new ArgumentException("An event needs a tag.", nameof(tag));
        }

        if (tag.Contains("\n\n", StringComparison.Ordinal))
        {
            throw new ArgumentException("An event tag cannot contain \"\\n\\n\": it ends the tag on the wire.", nameof(tag));
        }
    }
}

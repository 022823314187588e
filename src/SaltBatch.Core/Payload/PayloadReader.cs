using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace SaltBatch.Core.Payload;

/// <summary>
/// A pull reader for Salt's msgpack dialect over a stream, holding only a small window of the input in memory.
/// Every declared length is checked against the bytes that remain before anything is allocated, so a corrupt or
/// hostile header yields a <see cref="PayloadFormatException"/>, never a huge allocation. Skipping a value walks its
/// headers and seeks over payloads, so a 100 MB <c>done</c> map is counted without being materialised.
/// </summary>
/// <remarks>
/// MessagePack-CSharp's <c>MessagePackReader</c> needs the whole value in memory (a sequence), which is what the
/// streaming summary must avoid; writing goes through <c>MessagePackWriter</c> (see <see cref="PayloadWriter"/>).
/// This file holds the window over the input and token reading; skipping is in PayloadReader.Skipping.cs, turning
/// values into .NET objects in <see cref="PayloadValueReader"/>.
/// </remarks>
public sealed partial class PayloadReader : IDisposable
{
    public const int MaxNestingDepth = 512;

    private const int MinimumBufferSize = 64 * 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly long _length;
    private readonly long _streamOrigin;
    private readonly long _maxPayloadBytes;
    private readonly bool _lengthKnown;
    private byte[] _buffer;
    private long _bufferOrigin;
    private int _start;
    private int _end;
    private long _pendingPayload;

    /// <param name="stream">The input; its length is taken now, so a file replaced by rename keeps reading the old inode consistently.</param>
    /// <param name="length">The number of bytes the document occupies; defaults to the stream's length from its current position.</param>
    /// <param name="maxPayloadBytes">
    /// The largest str/bin/ext payload or container count accepted. Sockets have no length to check declared sizes
    /// against, so without this a bogus 4 GB str32 header would become an allocation instead of a format error.
    /// </param>
    public PayloadReader(Stream stream, long? length = null, bool leaveOpen = false, long? maxPayloadBytes = null)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _lengthKnown = length.HasValue || stream.CanSeek;
        _streamOrigin = stream.CanSeek ? stream.Position : 0;
        _length = length ?? (stream.CanSeek ? stream.Length - stream.Position : long.MaxValue);
        _maxPayloadBytes = maxPayloadBytes ?? long.MaxValue;
        _buffer = new byte[(int)Math.Clamp(_length, 16, MinimumBufferSize)];
    }

    /// <summary>Reads from an in-memory buffer (event frames, replies, ext 79 payloads).</summary>
    public PayloadReader(ReadOnlyMemory<byte> data)
        : this(new MemoryStream(data.ToArray(), writable: false))
    {
    }

    /// <summary>Offset of the next unread byte from the start of the document.</summary>
    public long Position => _bufferOrigin + _start;

    public long Remaining => _length - Position;

    /// <summary>
    /// Moves back (or forward) to a <see cref="Position"/> seen earlier, between values: how a walk reads a value it
    /// skipped once a later one showed it is wanted. Within the buffer this is free; beyond it, a seek.
    /// </summary>
    /// <exception cref="InvalidOperationException">A payload is unread, or the stream cannot seek.</exception>
    public void Reposition(long position)
    {
        if (_pendingPayload != 0)
        {
            throw new InvalidOperationException("The payload of the previous token must be read or skipped first.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, _length);
        if (position >= _bufferOrigin && position <= _bufferOrigin + _end)
        {
            _start = (int)(position - _bufferOrigin);
            return;
        }

        if (!_stream.CanSeek)
        {
            throw new InvalidOperationException("Only a reader over a seekable stream can move back.");
        }

        _stream.Seek(_streamOrigin + position, SeekOrigin.Begin);
        _bufferOrigin = position;
        _start = _end = 0;
    }

    /// <summary>True when every byte of the document has been consumed.</summary>
    public bool AtEnd => _pendingPayload == 0 && (Remaining <= 0 || (!_lengthKnown && _end == _start && !TryFill(1)));

    /// <summary>Decodes one complete document: exactly one top-level value and nothing after it, as Salt requires.</summary>
    public static object? ReadDocument(ReadOnlyMemory<byte> data, TextDecoding decoding)
    {
        using var reader = new PayloadReader(data);
        return reader.ReadDocument(decoding);
    }

    public object? ReadDocument(TextDecoding decoding)
    {
        var value = ReadValue(decoding);
        EnsureEnd();
        return value;
    }

    /// <summary>Fails unless the document ends exactly here (Salt rejects trailing bytes).</summary>
    public void EnsureEnd()
    {
        if (_pendingPayload != 0)
        {
            throw new InvalidOperationException("The payload of the last token was not consumed.");
        }

        if (Remaining > 0)
        {
            if (_end - _start == 0 && !TryFill(1))
            {
                // Without a known length (a pipe), the end of the stream is the end of the document.
                if (!_lengthKnown)
                {
                    return;
                }

                throw new PayloadFormatException($"truncated: {Remaining} byte(s) of the document are missing", Position);
            }

            throw new PayloadFormatException(
                _lengthKnown ? $"{Remaining} unexpected byte(s) after the document" : "unexpected bytes after the document",
                Position);
        }
    }

    public PayloadToken ReadToken()
    {
        if (_pendingPayload != 0)
        {
            throw new InvalidOperationException("The payload of the previous token must be read or skipped first.");
        }

        var offset = Position;
        Require(1, "a value");
        var code = _buffer[_start++];
        switch (code)
        {
            case <= 0x7f:
                return new PayloadToken(PayloadTokenKind.Integer, offset, Integer: code);
            case <= 0x8f:
                return Container(PayloadTokenKind.Map, offset, code & 0x0f);
            case <= 0x9f:
                return Container(PayloadTokenKind.Array, offset, code & 0x0f);
            case <= 0xbf:
                return WithPayload(PayloadTokenKind.String, offset, code & 0x1f);
            case >= 0xe0:
                return new PayloadToken(PayloadTokenKind.Integer, offset, Integer: (sbyte)code);
        }

        return code switch
        {
            0xc0 => new PayloadToken(PayloadTokenKind.Nil, offset),
            0xc2 => new PayloadToken(PayloadTokenKind.Boolean, offset, Integer: 0),
            0xc3 => new PayloadToken(PayloadTokenKind.Boolean, offset, Integer: 1),
            0xc4 => WithPayload(PayloadTokenKind.Binary, offset, ReadUInt(1)),
            0xc5 => WithPayload(PayloadTokenKind.Binary, offset, ReadUInt(2)),
            0xc6 => WithPayload(PayloadTokenKind.Binary, offset, ReadUInt(4)),
            0xc7 => Extension(offset, ReadUInt(1)),
            0xc8 => Extension(offset, ReadUInt(2)),
            0xc9 => Extension(offset, ReadUInt(4)),
            0xca => new PayloadToken(PayloadTokenKind.Float, offset, Float: BitConverter.Int32BitsToSingle((int)ReadUInt(4))),
            0xcb => new PayloadToken(PayloadTokenKind.Float, offset, Float: BitConverter.Int64BitsToDouble((long)ReadUInt64())),
            0xcc => new PayloadToken(PayloadTokenKind.Integer, offset, Integer: ReadUInt(1)),
            0xcd => new PayloadToken(PayloadTokenKind.Integer, offset, Integer: ReadUInt(2)),
            0xce => new PayloadToken(PayloadTokenKind.Integer, offset, Integer: ReadUInt(4)),
            0xcf => UnsignedInteger(offset, ReadUInt64()),
            0xd0 => new PayloadToken(PayloadTokenKind.Integer, offset, Integer: (sbyte)ReadUInt(1)),
            0xd1 => new PayloadToken(PayloadTokenKind.Integer, offset, Integer: (short)ReadUInt(2)),
            0xd2 => new PayloadToken(PayloadTokenKind.Integer, offset, Integer: (int)ReadUInt(4)),
            0xd3 => new PayloadToken(PayloadTokenKind.Integer, offset, Integer: (long)ReadUInt64()),
            0xd4 => Extension(offset, 1),
            0xd5 => Extension(offset, 2),
            0xd6 => Extension(offset, 4),
            0xd7 => Extension(offset, 8),
            0xd8 => Extension(offset, 16),
            0xd9 => WithPayload(PayloadTokenKind.String, offset, ReadUInt(1)),
            0xda => WithPayload(PayloadTokenKind.String, offset, ReadUInt(2)),
            0xdb => WithPayload(PayloadTokenKind.String, offset, ReadUInt(4)),
            0xdc => Container(PayloadTokenKind.Array, offset, ReadUInt(2)),
            0xdd => Container(PayloadTokenKind.Array, offset, ReadUInt(4)),
            0xde => Container(PayloadTokenKind.Map, offset, ReadUInt(2)),
            0xdf => Container(PayloadTokenKind.Map, offset, ReadUInt(4)),
            _ => throw new PayloadFormatException($"0x{code:x2} is not a msgpack type code", offset),
        };
    }

    /// <summary>Reads the payload bytes of the String, Binary or Extension token just read.</summary>
    public byte[] ReadPayloadBytes()
    {
        var declared = _pendingPayload;
        _pendingPayload = 0;
        if (declared > Array.MaxLength)
        {
            throw new PayloadFormatException($"a payload of {declared} bytes is too large to hold", Position);
        }

        var length = (int)declared;

        // With an unknown stream length the declared size is unverified, so the array grows only as bytes arrive.
        var bytes = new byte[_lengthKnown ? length : Math.Min(length, _buffer.Length)];
        var copied = 0;
        while (copied < length)
        {
            Require(1, "payload bytes");
            if (copied == bytes.Length)
            {
                Array.Resize(ref bytes, (int)Math.Min(length, (long)bytes.Length * 2));
            }

            var chunk = Math.Min(bytes.Length - copied, _end - _start);
            Buffer.BlockCopy(_buffer, _start, bytes, copied, chunk);
            _start += chunk;
            copied += chunk;
        }

        return bytes;
    }

    /// <summary>Reads the pending payload as strict UTF-8, or returns null (payload consumed) when it is not valid UTF-8.</summary>
    public string? ReadPayloadText(out byte[]? invalidBytes)
    {
        var bytes = ReadPayloadBytes();
        if (TryDecodeUtf8(bytes, out var text))
        {
            invalidBytes = null;
            return text;
        }

        invalidBytes = bytes;
        return null;
    }

    /// <summary>
    /// Reads the next value if it is a one-byte integer (a positive or negative fixint) already buffered; otherwise
    /// reads nothing. The hot path of a pass that reads one small number per entry.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadFixInteger(out long value)
    {
        if (_pendingPayload == 0 && _end > _start && _buffer[_start] is <= 0x7f or >= 0xe0)
        {
            var code = _buffer[_start++];
            value = code <= 0x7f ? code : (sbyte)code;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>Reads the next header if it is a map of fewer than 16 entries already buffered; otherwise reads nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadFixMapHeader(out int count)
    {
        if (_pendingPayload == 0 && _end > _start && _buffer[_start] is >= 0x80 and <= 0x8f && (_buffer[_start] & 0x0f) * 2 <= Remaining - 1)
        {
            count = _buffer[_start] & 0x0f;
            _start++;
            return true;
        }

        count = 0;
        return false;
    }

    /// <summary>
    /// Reads the next header: true with the entry count for a map of any size (a small one read in place), false with
    /// the token of anything else, whose payload or entries the caller then reads or skips.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadMapHeader(out long entries, out PayloadToken other)
    {
        if (TryReadFixMapHeader(out var count))
        {
            entries = count;
            other = default;
            return true;
        }

        other = ReadToken();
        entries = other.Kind == PayloadTokenKind.Map ? other.Length : 0;
        return other.Kind == PayloadTokenKind.Map;
    }

    /// <summary>Whether the next value is a string of fewer than 32 bytes wholly in the buffer, and its length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryPeekBufferedFixString(out int length)
    {
        if (_pendingPayload == 0 && _end > _start && _buffer[_start] is >= 0xa0 and <= 0xbf and var code && _end - _start > (code & 0x1f))
        {
            length = code & 0x1f;
            return true;
        }

        length = 0;
        return false;
    }

    /// <summary>
    /// Reads the next value and says whether it is the string <paramref name="expected"/>, without allocating: how a
    /// streaming pass recognises one key among thousands of entries. A short string already buffered is compared in
    /// place; anything else takes the general path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ReadStringEquals(ReadOnlySpan<byte> expected)
    {
        if (TryPeekBufferedFixString(out var length))
        {
            var equal = length == expected.Length && _buffer.AsSpan(_start + 1, length).SequenceEqual(expected);
            _start += 1 + length;
            return equal;
        }

        return ReadTokenEquals(expected);
    }

    private bool ReadTokenEquals(ReadOnlySpan<byte> expected)
    {
        var token = ReadToken();
        if (token.Kind != PayloadTokenKind.String || token.Length != expected.Length)
        {
            Skip(token);
            return false;
        }

        _pendingPayload = 0;
        Require(expected.Length, "payload bytes");
        var matches = _buffer.AsSpan(_start, expected.Length).SequenceEqual(expected);
        _start += expected.Length;
        return matches;
    }

    /// <summary>Materialises the next value as plain .NET values (see <see cref="PayloadValues"/> and <see cref="PayloadValueReader"/>).</summary>
    public object? ReadValue(TextDecoding decoding) => PayloadValueReader.Read(this, decoding, depth: 0);

    /// <summary>Materialises the value whose header was just read.</summary>
    public object? ReadValue(PayloadToken token, TextDecoding decoding) => PayloadValueReader.Materialise(this, token, decoding, depth: 0);

    /// <summary>Strict UTF-8, as Salt's <c>raw=False</c> decoding: false for anything that is not valid UTF-8.</summary>
    internal static bool TryDecodeUtf8(byte[] bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    private PayloadToken Container(PayloadTokenKind kind, long offset, long count)
    {
        // Every element takes at least one byte, so a count larger than what is left cannot be honest.
        var minimumBytes = kind == PayloadTokenKind.Map ? count * 2 : count;
        if (minimumBytes > Remaining)
        {
            throw new PayloadFormatException($"truncated or corrupt: {(kind == PayloadTokenKind.Map ? "map" : "array")} claims {count} entries but only {Remaining} byte(s) remain", offset);
        }

        if (count > _maxPayloadBytes)
        {
            throw new PayloadFormatException($"{(kind == PayloadTokenKind.Map ? "map" : "array")} claims {count} entries, more than the limit of {_maxPayloadBytes}", offset);
        }

        return new PayloadToken(kind, offset, Length: count);
    }

    private PayloadToken WithPayload(PayloadTokenKind kind, long offset, long length)
    {
        if (length > Remaining)
        {
            throw new PayloadFormatException($"truncated or corrupt: {kind.ToString().ToLowerInvariant()} claims {length} byte(s) but only {Remaining} remain", offset);
        }

        if (length > _maxPayloadBytes)
        {
            throw new PayloadFormatException($"{kind.ToString().ToLowerInvariant()} claims {length} byte(s), more than the limit of {_maxPayloadBytes}", offset);
        }

        _pendingPayload = length;
        return new PayloadToken(kind, offset, Length: length);
    }

    private PayloadToken Extension(long offset, long length)
    {
        var type = (sbyte)ReadUInt(1);
        var token = WithPayload(PayloadTokenKind.Extension, offset, length);
        return token with { ExtensionType = type };
    }

    private static PayloadToken UnsignedInteger(long offset, ulong value) =>
        value <= long.MaxValue
            ? new PayloadToken(PayloadTokenKind.Integer, offset, Integer: (long)value)
            : new PayloadToken(PayloadTokenKind.UnsignedInteger, offset, UnsignedInteger: value);

    private long ReadUInt(int size)
    {
        Require(size, "a length or number");
        var span = _buffer.AsSpan(_start, size);
        _start += size;
        return size switch
        {
            1 => span[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(span),
            _ => BinaryPrimitives.ReadUInt32BigEndian(span),
        };
    }

    private ulong ReadUInt64()
    {
        Require(8, "a number");
        var value = BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(_start, 8));
        _start += 8;
        return value;
    }

    private void SkipBytes(long count)
    {
        var buffered = _end - _start;
        if (count <= buffered)
        {
            _start += (int)count;
            return;
        }

        var beyond = count - buffered;
        if (beyond > Remaining - buffered)
        {
            throw new PayloadFormatException("truncated: a payload runs past the end of the document", Position);
        }

        _bufferOrigin += _end + beyond;
        _start = _end = 0;
        if (_stream.CanSeek)
        {
            _stream.Seek(beyond, SeekOrigin.Current);
            return;
        }

        DiscardFromStream(beyond);
    }

    private void DiscardFromStream(long count)
    {
        while (count > 0)
        {
            var read = _stream.Read(_buffer, 0, (int)Math.Min(count, _buffer.Length));
            if (read == 0)
            {
                throw new PayloadFormatException("truncated: the input ended inside a payload", Position);
            }

            count -= read;
        }
    }

    private void Require(int count, string what)
    {
        if (_end - _start >= count)
        {
            return;
        }

        if (count > Remaining || !TryFill(count))
        {
            throw new PayloadFormatException($"truncated: the input ended while reading {what}", Position);
        }
    }

    private bool TryFill(int count)
    {
        var available = _end - _start;
        if (_buffer.Length - _start < count)
        {
            var target = _buffer.Length >= count ? _buffer : new byte[Math.Max(count, _buffer.Length * 2)];
            Buffer.BlockCopy(_buffer, _start, target, 0, available);
            _buffer = target;
            _bufferOrigin += _start;
            _start = 0;
            _end = available;
        }

        while (_end - _start < count)
        {
            var wanted = (int)Math.Min(_buffer.Length - _end, Math.Max(0, _length - (_bufferOrigin + _end)));
            if (wanted <= 0)
            {
                return false;
            }

            var read = _stream.Read(_buffer, _end, wanted);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}

using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace SaltBatch.Core.Payload;

/// <summary>Skipping: values passed over by walking their headers and seeking over payloads, never materialised.</summary>
public sealed partial class PayloadReader
{
    public void SkipPayload()
    {
        var length = _pendingPayload;
        _pendingPayload = 0;
        SkipBytes(length);
    }

    /// <summary>Skips the next value whole, without recursion and without materialising anything.</summary>
    /// <remarks>Goes straight to the buffer's fast loop, without building a token for the value's header.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SkipValue()
    {
        if (TryPeekBufferedFixString(out var length))
        {
            _start += 1 + length;
            return;
        }

        SkipValueSlow();
    }

    private void SkipValueSlow()
    {
        if (_pendingPayload != 0)
        {
            throw new InvalidOperationException("The payload of the previous token must be read or skipped first.");
        }

        SkipOutstanding(1);
    }

    /// <summary>Skips the rest of a value whose header was just read: its payload, or all of its entries.</summary>
    public void Skip(PayloadToken token)
    {
        if (token.HasPayload)
        {
            SkipPayload();
        }

        SkipOutstanding(ChildCount(token));
    }

    private void SkipOutstanding(long outstanding)
    {
        while (outstanding > 0)
        {
            outstanding = SkipBuffered(outstanding);
            if (outstanding == 0)
            {
                break;
            }

            // The next token straddles the buffer's end (or is large): take it the general way, which refills or seeks.
            var child = ReadToken();
            outstanding += ChildCount(child) - 1;
            if (child.HasPayload)
            {
                SkipPayload();
            }
        }
    }

    /// <summary>
    /// Skips whole tokens that lie entirely in the buffer, sizing each from its first bytes; this is the hot loop when
    /// a summary passes over thousands of returns. Returns the values still to skip when it reaches a token it cannot
    /// finish in the buffer.
    /// </summary>
    private long SkipBuffered(long outstanding)
    {
        const int LongestHeader = 18;
        var buffer = _buffer;
        var i = _start;
        var end = _end;
        while (outstanding > 0 && end - i >= LongestHeader)
        {
            var code = buffer[i];
            long children = 0;
            long size;
            switch (code)
            {
                case <= 0x7f or >= 0xe0 or 0xc0 or 0xc2 or 0xc3:
                    size = 1;
                    break;
                case <= 0x8f:
                    size = 1;
                    children = (code & 0x0f) * 2L;
                    break;
                case <= 0x9f:
                    size = 1;
                    children = code & 0x0f;
                    break;
                case <= 0xbf:
                    size = 1 + (code & 0x1f);
                    break;
                case 0xc4 or 0xd9:
                    size = 2 + buffer[i + 1];
                    break;
                case 0xc5 or 0xda:
                    size = 3 + BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(i + 1));
                    break;
                case 0xc6 or 0xdb:
                    size = 5L + BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(i + 1));
                    break;
                case 0xc7:
                    size = 3 + buffer[i + 1];
                    break;
                case 0xc8:
                    size = 4 + BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(i + 1));
                    break;
                case 0xc9:
                    size = 6L + BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(i + 1));
                    break;
                case 0xca or 0xce or 0xd2:
                    size = 5;
                    break;
                case 0xcb or 0xcf or 0xd3:
                    size = 9;
                    break;
                case 0xcc or 0xd0:
                    size = 2;
                    break;
                case 0xcd or 0xd1:
                    size = 3;
                    break;
                case >= 0xd4 and <= 0xd8:
                    size = 2 + (1 << (code - 0xd4));
                    break;
                case 0xdc:
                    size = 3;
                    children = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(i + 1));
                    break;
                case 0xdd:
                    size = 5;
                    children = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(i + 1));
                    break;
                case 0xde:
                    size = 3;
                    children = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(i + 1)) * 2L;
                    break;
                case 0xdf:
                    size = 5;
                    children = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(i + 1)) * 2L;
                    break;
                default:
                    // 0xc1 and anything odd: let the general path report it with its offset.
                    _start = i;
                    return outstanding;
            }

            if (size > end - i || outstanding - 1 + children > _length - (_bufferOrigin + i + size))
            {
                // Not wholly buffered, or a count the remaining bytes cannot hold: the general path refills or reports.
                _start = i;
                return outstanding;
            }

            i += (int)size;
            outstanding += children - 1;
        }

        _start = i;
        return outstanding;
    }

    private static long ChildCount(PayloadToken token) => token.Kind switch
    {
        PayloadTokenKind.Array => token.Length,
        PayloadTokenKind.Map => token.Length * 2,
        _ => 0,
    };
}

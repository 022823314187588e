using System.Buffers.Binary;

namespace SaltBatch.Core.Tests.Fuzz;

public enum MutationKind
{
    FlipBit,
    OverwriteByte,
    InsertBytes,
    DeleteBytes,
    CorruptLengthField,
    Truncate,
    DuplicateChunk,
}

/// <summary>
/// One edit of an input, described by plain numbers so CsCheck can shrink a failing edit list to the smallest one.
/// Positions are taken modulo the input length, so every edit applies to every input.
/// </summary>
public sealed record ByteMutation(MutationKind Kind, int Position, int Size, byte Value, int Interesting)
{
    /// <summary>Bytes that decoders treat specially: type codes with length fields, the reserved 0xc1, limits.</summary>
    public static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc4, 0xc6, 0xc7, 0xc9, 0xd4, 0xd8, 0xd9, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff, 0x0a];

    /// <summary>Lengths a corrupted header may claim: zero, off-by-one, just past the input, and the type's maximum.</summary>
    private static readonly long[] InterestingLengths = [0, 1, 2, 15, 16, 31, 127, 255, 256, 65535, 65536, 0x7fff_ffff, 0xffff_fffe, 0xffff_ffff];

    public byte[] Apply(byte[] input)
    {
        if (input.Length == 0)
        {
            return Kind == MutationKind.InsertBytes ? Enumerable.Repeat(Value, Size).ToArray() : input;
        }

        var at = Position % input.Length;
        var output = (byte[])input.Clone();
        switch (Kind)
        {
            case MutationKind.FlipBit:
                output[at] ^= (byte)(1 << (Value % 8));
                return output;
            case MutationKind.OverwriteByte:
                output[at] = InterestingBytes[Interesting % InterestingBytes.Length];
                return output;
            case MutationKind.InsertBytes:
                return [.. input[..at], .. Enumerable.Repeat(Value, Size), .. input[at..]];
            case MutationKind.DeleteBytes:
                return [.. input[..at], .. input[Math.Min(input.Length, at + Size)..]];
            case MutationKind.CorruptLengthField:
                return CorruptLengthField(output);
            case MutationKind.Truncate:
                return input[..at];
            default:
                var chunk = input[at..Math.Min(input.Length, at + (Size * 4))];
                var to = (at + Value) % input.Length;
                return [.. input[..to], .. chunk, .. input[to..]];
        }
    }

    /// <summary>Rewrites the length or count of the n-th header that has one, where n comes from <see cref="Position"/>.</summary>
    private byte[] CorruptLengthField(byte[] data)
    {
        var headers = Enumerable.Range(0, data.Length).Where(i => LengthFieldSize(data[i]) is not 0).ToList();
        if (headers.Count == 0)
        {
            return data;
        }

        var at = headers[Position % headers.Count];
        var claimed = InterestingLengths[Interesting % InterestingLengths.Length] + (Value % 3) - 1;
        var size = LengthFieldSize(data[at]);
        if (size < 0)
        {
            // A fix-size header: the count lives in the low bits of the code itself.
            var mask = data[at] >= 0xa0 ? 0x1f : 0x0f;
            data[at] = (byte)((data[at] & ~mask) | (int)(claimed & mask));
            return data;
        }

        var field = data.AsSpan(at + 1);
        if (field.Length < size)
        {
            return data;
        }

        switch (size)
        {
            case 1:
                field[0] = (byte)claimed;
                break;
            case 2:
                BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)claimed);
                break;
            default:
                BinaryPrimitives.WriteUInt32BigEndian(field, (uint)claimed);
                break;
        }

        return data;
    }

    /// <summary>Bytes of length after the code; -1 for fixmap/fixarray/fixstr, whose count is in the code; 0 for no length.</summary>
    private static int LengthFieldSize(byte code) => code switch
    {
        >= 0x80 and <= 0xbf => -1,
        0xc4 or 0xc7 or 0xd9 => 1,
        0xc5 or 0xc8 or 0xda or 0xdc or 0xde => 2,
        0xc6 or 0xc9 or 0xdb or 0xdd or 0xdf => 4,
        _ => 0,
    };
}

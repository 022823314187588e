using CsCheck;

namespace SaltBatch.Core.Tests.Fuzz;

/// <summary>CsCheck generators of fuzz inputs: raw bytes, edited real inputs, and hostile shapes.</summary>
internal static class FuzzInputs
{
    public static readonly Gen<ByteMutation> Mutation =
        Gen.Select(Gen.Enum<MutationKind>(), Gen.Int[0, 1 << 20], Gen.Int[1, 8], Gen.Byte, Gen.Int[0, 64],
            (kind, position, size, value, interesting) => new ByteMutation(kind, position, size, value, interesting));

    public static readonly Gen<byte[]> RandomBytes = Gen.Byte.Array[0, 512];

    /// <summary>
    /// A container header followed by many copies of one small token: cheap to send, and the shape that finds
    /// per-element costs (allocation per empty map, lookups per repeated key) that grow faster than the input.
    /// </summary>
    public static readonly Gen<byte[]> RepeatedTokens =
        Gen.Select(Gen.Int[0, 20_000], Gen.OneOf<byte[]>([0xc0], [0x80], [0x90], [0xa0], [0x01, 0x01], [0xc0, 0xc0], [0x91, 0x90], [0xcd, 0x12, 0x34]), Gen.Bool,
            (count, token, asMap) => Container(count, token, asMap));

    /// <summary>A map with distinct integer keys: the case where key lookups that scan would turn quadratic.</summary>
    public static readonly Gen<byte[]> DistinctIntegerKeys =
        Gen.Int[0, 30_000].Select(count => Container(count, index => [0xcd, (byte)(index >> 8), (byte)index, 0xc0]));

    public static Gen<byte[]> Mutated(byte[][] seeds) =>
        Gen.Select(Gen.Int[0, seeds.Length - 1], Mutation.Array[1, 4],
            (seed, mutations) => mutations.Aggregate(seeds[seed], (input, mutation) => mutation.Apply(input)));

    /// <summary>Mostly edited real inputs (where the interesting paths are), some random bytes and hostile shapes.</summary>
    public static Gen<byte[]> For(byte[][] seeds) =>
        Gen.Frequency((24, Mutated(seeds)), (4, RandomBytes), (2, RepeatedTokens), (1, DistinctIntegerKeys));

    /// <summary>The same inputs every run: CI replays these rather than new random ones.</summary>
    public static IEnumerable<byte[]> Deterministic(Gen<byte[]> gen, uint stream, int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return gen.Generate(new PCG(stream, (ulong)i), null, out _);
        }
    }

    private static byte[] Container(int count, Func<int, byte[]> entry) =>
        [0xdf, (byte)(count >> 24), (byte)(count >> 16), (byte)(count >> 8), (byte)count, .. Enumerable.Range(0, count).SelectMany(entry)];

    private static byte[] Container(int count, byte[] token, bool asMap)
    {
        // Map entries are pairs, so a map of count entries repeats the token twice as often.
        var elements = asMap ? count * 2 : count;
        var header = asMap ? new byte[] { 0xdf, (byte)(count >> 24), (byte)(count >> 16), (byte)(count >> 8), (byte)count }
            : [0xdd, (byte)(count >> 24), (byte)(count >> 16), (byte)(count >> 8), (byte)count];
        var data = new byte[header.Length + (elements * token.Length)];
        header.CopyTo(data, 0);
        for (var i = 0; i < elements; i++)
        {
            token.CopyTo(data, header.Length + (i * token.Length));
        }

        return data;
    }
}

using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Fuzz;

/// <summary>The msgpack decoder: any bytes give a value or a <see cref="PayloadFormatException"/>, in memory or from a pipe.</summary>
internal static class PayloadDecoderTarget
{
    public const string Name = "payload";

    public static void Check(byte[] input)
    {
        foreach (var decoding in Enum.GetValues<TextDecoding>())
        {
            FuzzBudget.Run(Name, input, () => PayloadReader.ReadDocument(input, decoding));
        }

        // A pipe: no length to check declared sizes against, and short reads that split tokens.
        FuzzBudget.Run(Name, input, () =>
        {
            using var reader = new PayloadReader(new NonSeekableStream(new MemoryStream(input), maxReadSize: 7));
            reader.ReadDocument(TextDecoding.FileSemantics);
        });
    }
}

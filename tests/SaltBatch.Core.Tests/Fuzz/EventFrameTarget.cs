using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Fuzz;

/// <summary>
/// The event-bus decoders: one event body (<see cref="EventCodec.DecodeEvent"/>), and a pub stream read frame by
/// frame as <see cref="EventSubscriber"/> reads it (no length, short reads, a payload limit).
/// </summary>
internal static class EventFrameTarget
{
    public const string Name = "event";

    /// <summary>Smaller than the subscriber's default so that the limit itself is exercised by small inputs.</summary>
    private const int FrameLimit = 4096;

    public static void Check(byte[] input)
    {
        FuzzBudget.Run(Name, input, () => EventCodec.DecodeEvent(input));
        FuzzBudget.Run(Name, input, () => ReadStream(input));
    }

    private static void ReadStream(byte[] input)
    {
        using var reader = new PayloadReader(new NonSeekableStream(new MemoryStream(input), maxReadSize: 5), maxPayloadBytes: FrameLimit);
        while (!reader.AtEnd)
        {
            var before = reader.Position;
            if (EventCodec.ReadFrameBody(reader) is { } body)
            {
                try
                {
                    EventCodec.DecodeEvent(body);
                }
                catch (PayloadFormatException)
                {
                    // Skipped, as the subscriber skips it; the stream goes on.
                }
            }

            if (reader.Position <= before)
            {
                throw new FuzzVerdict(Name, input, $"reading a frame at offset {before} consumed nothing");
            }
        }
    }
}

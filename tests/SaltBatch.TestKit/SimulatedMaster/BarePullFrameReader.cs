using System.Text;
using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// The 3006/3007 pull side: frames follow each other as msgpack maps, read like a streaming unpacker. A prefixed
/// frame's leading <c>00</c> reads as the integer 0 instead of a map, which a real master logs as an error. Every
/// declared length is checked against the frame cap before it is read, because a socket has no end to check against.
/// </summary>
public sealed class BarePullFrameReader(Stream stream, int maxFrameBytes) : IPullFrameReader
{
    private const int MaxFrameKeys = 8;
    private const int MaxKeyBytes = 64;

    private readonly PayloadReader _reader = new(stream, leaveOpen: true);

    public byte[]? ReadEventBytes()
    {
        var frameStart = _reader.Position;
        PayloadToken header;
        try
        {
            header = _reader.ReadToken();
        }
        catch (PayloadFormatException) when (_reader.Position == frameStart)
        {
            return null;
        }

        try
        {
            return ReadFrame(header);
        }
        catch (PayloadFormatException error)
        {
            throw new PullFramingException($"the stream is not msgpack frames: {error.Message}");
        }
    }

    private byte[] ReadFrame(PayloadToken header)
    {
        if (header.Kind != PayloadTokenKind.Map || header.Length > MaxFrameKeys)
        {
            throw new PullFramingException($"expected a frame map but read {Describe(header)} at offset {header.Offset}; was a length-prefixed frame sent to a bare master?");
        }

        byte[]? body = null;
        for (long i = 0; i < header.Length; i++)
        {
            var key = _reader.ReadToken();
            if (!key.HasPayload || key.Length > MaxKeyBytes)
            {
                throw new PullFramingException($"a frame key is {Describe(key)}");
            }

            var name = Encoding.UTF8.GetString(_reader.ReadPayloadBytes());
            var value = _reader.ReadToken();
            if (name == "body" && value.Kind is PayloadTokenKind.Binary or PayloadTokenKind.String)
            {
                CheckLength(value);
                body = _reader.ReadPayloadBytes();
            }
            else
            {
                SkipAfterHeader(value);
            }
        }

        return body ?? throw new PullFramingException("the frame has no bin body");
    }

    private void SkipAfterHeader(PayloadToken first)
    {
        var token = first;
        long outstanding = 0;
        while (true)
        {
            CheckLength(token);
            if (token.Kind == PayloadTokenKind.Array)
            {
                outstanding += token.Length;
            }
            else if (token.Kind == PayloadTokenKind.Map)
            {
                outstanding += token.Length * 2;
            }
            else if (token.HasPayload)
            {
                _reader.SkipPayload();
            }

            if (outstanding == 0)
            {
                return;
            }

            outstanding--;
            token = _reader.ReadToken();
        }
    }

    private void CheckLength(PayloadToken token)
    {
        if ((token.HasPayload || token.IsContainer) && token.Length > maxFrameBytes)
        {
            throw new PullFramingException($"{Describe(token)} exceeds the {maxFrameBytes}-byte frame cap");
        }
    }

    private static string Describe(PayloadToken token) => token.Kind switch
    {
        PayloadTokenKind.Integer => $"the integer {token.Integer}",
        PayloadTokenKind.Map or PayloadTokenKind.Array => $"a {token.Kind.ToString().ToLowerInvariant()} of {token.Length}",
        _ when token.HasPayload => $"a {token.Kind.ToString().ToLowerInvariant()} of {token.Length} bytes",
        _ => $"a {token.Kind.ToString().ToLowerInvariant()}",
    };
}

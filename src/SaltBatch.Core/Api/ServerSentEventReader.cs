using System.Text;
using System.Text.Json;
using SaltBatch.Core.Bus;

namespace SaltBatch.Core.Api;

/// <summary>
/// Reads salt-api's <c>/events</c> stream (§2.8): a <c>retry:</c> line, then per event a <c>tag:</c> line, a
/// <c>data:</c> line with <c>{"tag": …, "data": …}</c> and a blank line. The first record has no blank line before
/// it, so records are taken from their <c>data:</c> line, not from SSE's blank-line framing alone.
/// </summary>
public sealed class ServerSentEventReader
{
    private readonly StreamReader _reader;

    public ServerSentEventReader(Stream stream)
    {
        _reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
    }

    /// <summary>The next event, or null at the end of the stream. A data line that is not an event is skipped.</summary>
    public async Task<MasterEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0 && Parse(data.ToString()) is { } masterEvent)
                {
                    return masterEvent;
                }

                data.Clear();
                continue;
            }

            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0)
                {
                    data.Append('\n');
                }

                data.Append(line.AsSpan(line.Length > 5 && line[5] == ' ' ? 6 : 5));
            }
        }

        return data.Length > 0 ? Parse(data.ToString()) : null;
    }

    private static MasterEvent? Parse(string data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("tag", out var tag) || tag.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            return new MasterEvent(tag.GetString()!, root.TryGetProperty("data", out var payload) ? SaltApiJson.Map(payload) : new());
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

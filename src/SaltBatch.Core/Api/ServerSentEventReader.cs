using System.Text;
using System.Text.Json;
using SaltBatch.Core.Bus;

namespace SaltBatch.Core.Api;

/// <summary>
/// Reads salt-api's <c>/events</c> stream (§2.8): a <c>retry:</c> line, then per event a <c>tag:</c> line, a
/// <c>data:</c> line with <c>{"tag": …, "data": …}</c> and a blank line. The first record has no blank line before
/// it, so records are taken from their <c>data:</c> line, not from SSE's blank-line framing alone. A busy master
/// streams every event it has; only the wanted ones are decoded: an event whose <c>tag:</c> line is not wanted is
/// skipped without keeping its data, and a line longer than the bound is dropped with its record, so the reader's
/// memory stays bounded whatever the master sends.
/// </summary>
public sealed class ServerSentEventReader
{
    /// <summary>Longest line kept; an event larger than this is one that no batch event is.</summary>
    public const int DefaultMaxLineChars = 1024 * 1024;

    private readonly StreamReader _reader;
    private readonly Func<string, bool> _wanted;
    private readonly int _maxLineChars;
    private readonly char[] _buffer = new char[8192];
    private int _start;
    private int _end;

    /// <param name="wanted">Which tags to decode; every other event is skipped unread.</param>
    public ServerSentEventReader(Stream stream, Func<string, bool>? wanted = null, int maxLineChars = DefaultMaxLineChars)
    {
        _reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
        _wanted = wanted ?? (_ => true);
        _maxLineChars = maxLineChars;
    }

    /// <summary>The next wanted event, or null at the end of the stream. A data line that is not an event is skipped.</summary>
    public async Task<MasterEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        var data = new StringBuilder();
        var skipping = false;
        while (true)
        {
            var line = await ReadLineAsync(keep: !skipping, cancellationToken).ConfigureAwait(false);
            if (line.EndOfStream)
            {
                return data.Length > 0 && !skipping ? Parse(data.ToString()) : null;
            }

            if (line.Empty)
            {
                if (data.Length > 0 && !skipping && Parse(data.ToString()) is { } masterEvent)
                {
                    return masterEvent;
                }

                data.Clear();
                skipping = false;
                continue;
            }

            if (line.Text is not { } text)
            {
                // Skipped unread, or longer than the bound: the rest of its record goes too.
                data.Clear();
                skipping = true;
                continue;
            }

            if (text.StartsWith("tag:", StringComparison.Ordinal))
            {
                skipping = !_wanted(Field(text, 4));
            }
            else if (text.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0)
                {
                    data.Append('\n');
                }

                data.Append(Field(text, 5));
            }
        }
    }

    private static string Field(string line, int nameLength) =>
        line[(line.Length > nameLength && line[nameLength] == ' ' ? nameLength + 1 : nameLength)..];

    private MasterEvent? Parse(string data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("tag", out var tag) || tag.ValueKind != JsonValueKind.String || !_wanted(tag.GetString()!))
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

    /// <summary>
    /// One line without its end (<c>\n</c>, <c>\r\n</c>): its text when kept and within the bound; null text when
    /// skipped or too long (read to its end all the same, keeping nothing).
    /// </summary>
    private async Task<Line> ReadLineAsync(bool keep, CancellationToken cancellationToken)
    {
        var text = keep ? new StringBuilder() : null;
        var length = 0;
        var first = '\0';
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await _reader.ReadAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (_end == 0)
                {
                    return length == 0 ? Line.Eof : Finished(text, length, first);
                }
            }

            var newline = Array.IndexOf(_buffer, '\n', _start, _end - _start);
            var stop = newline < 0 ? _end : newline;
            var chunk = stop - _start;
            if (length == 0 && chunk > 0)
            {
                first = _buffer[_start];
            }

            text = text is not null && length + chunk <= _maxLineChars ? text.Append(_buffer, _start, chunk) : null;
            length += chunk;
            _start = stop;
            if (newline >= 0)
            {
                _start++;
                return Finished(text, length, first);
            }
        }
    }

    private static Line Finished(StringBuilder? text, int length, char first) =>
        length == 0 || (length == 1 && first == '\r')
            ? new Line(string.Empty, Empty: true, EndOfStream: false)
            : new Line(text?.ToString().TrimEnd('\r'), Empty: false, EndOfStream: false);

    private readonly record struct Line(string? Text, bool Empty, bool EndOfStream)
    {
        public static Line Eof { get; } = new(null, Empty: false, EndOfStream: true);
    }
}

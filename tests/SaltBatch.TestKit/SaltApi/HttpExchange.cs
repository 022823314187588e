using System.Net;
using System.Text;

namespace SaltBatch.TestKit.SaltApi;

/// <summary>
/// One HTTP/1.1 request on a connection and its answer: just enough of the protocol for salt-api's clients (one
/// request per connection, <c>Connection: close</c>, bodies by <c>Content-Length</c>).
/// </summary>
public sealed class HttpExchange
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 1024 * 1024;

    private readonly Stream _stream;

    private HttpExchange(Stream stream, string method, string target, Dictionary<string, string> headers, byte[] body)
    {
        _stream = stream;
        Method = method;
        Target = target;
        Headers = headers;
        Body = body;
    }

    public string Method { get; }

    /// <summary>The request target as sent: path and query.</summary>
    public string Target { get; }

    public string Path => Target.Split('?', 2)[0];

    public bool HasQuery => Target.Contains('?');

    public IReadOnlyDictionary<string, string> Headers { get; }

    public byte[] Body { get; }

    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The request, or null when the client closed or sent something that is not HTTP.</summary>
    public static async Task<HttpExchange?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new MemoryStream();
        var one = new byte[1];
        while (!EndsWithBlankLine(head))
        {
            if (head.Length > MaxHeaderBytes || await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return null;
            }

            head.WriteByte(one[0]);
        }

        var lines = Encoding.Latin1.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length < 3)
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        var length = headers.TryGetValue("Content-Length", out var text) && int.TryParse(text, out var parsed) ? Math.Min(parsed, MaxBodyBytes) : 0;
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return new HttpExchange(stream, requestLine[0], requestLine[1], headers, body);
    }

    public Task RespondAsync(HttpStatusCode status, string contentType, string body, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder()
            .Append("HTTP/1.1 ").Append((int)status).Append(' ').Append(ReasonPhrase(status)).Append("\r\n")
            .Append("Content-Type: ").Append(contentType).Append("\r\n")
            .Append("Content-Length: ").Append(bytes.Length).Append("\r\n")
            .Append("Server: CherryPy/18.6.1 (SaltBatch simulated salt-api)\r\n")
            .Append("Access-Control-Allow-Origin: *\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in headers ?? [])
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("\r\n");
        return WriteAsync([.. Encoding.Latin1.GetBytes(head.ToString()), .. bytes]);
    }

    /// <summary>Starts a streamed answer (no length: the body ends when the connection closes), for <c>/events</c>.</summary>
    public Task StartStreamAsync(string contentType) =>
        WriteAsync(Encoding.Latin1.GetBytes(
            $"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\nCache-Control: no-cache\r\nConnection: close\r\nAccess-Control-Allow-Origin: *\r\n\r\n"));

    public async Task WriteAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    private static bool EndsWithBlankLine(MemoryStream head)
    {
        if (head.Length < 4)
        {
            return false;
        }

        var buffer = head.GetBuffer();
        var end = (int)head.Length;
        return buffer[end - 4] == '\r' && buffer[end - 3] == '\n' && buffer[end - 2] == '\r' && buffer[end - 1] == '\n';
    }

    private static string ReasonPhrase(HttpStatusCode status) => status switch
    {
        HttpStatusCode.OK => "OK",
        HttpStatusCode.BadRequest => "Bad Request",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.MethodNotAllowed => "Method Not Allowed",
        HttpStatusCode.NotAcceptable => "Not Acceptable",
        HttpStatusCode.InternalServerError => "Internal Server Error",
        _ => status.ToString(),
    };
}

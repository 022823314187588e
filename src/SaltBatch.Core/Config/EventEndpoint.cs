namespace SaltBatch.Core.Config;

/// <summary>One side of the master event bus: a Unix socket path, or a loopback TCP host and port.</summary>
public sealed record EventEndpoint
{
    private EventEndpoint(EventEndpointKind kind, string? path, string? host, int port)
    {
        Kind = kind;
        Path = path;
        Host = host;
        Port = port;
    }

    public EventEndpointKind Kind { get; }

    /// <summary>The socket file when <see cref="Kind"/> is Unix; otherwise null.</summary>
    public string? Path { get; }

    /// <summary>The host when <see cref="Kind"/> is Tcp; otherwise null.</summary>
    public string? Host { get; }

    /// <summary>The port when <see cref="Kind"/> is Tcp; otherwise 0.</summary>
    public int Port { get; }

    public static EventEndpoint Unix(string path) => new(EventEndpointKind.Unix, path, null, 0);

    public static EventEndpoint Tcp(string host, int port) => new(EventEndpointKind.Tcp, null, host, port);

    public override string ToString() => Kind == EventEndpointKind.Unix
        ? "unix:" + Path
        : "tcp://" + TcpAddress.Format(Host!, Port);
}

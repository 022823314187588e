using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SaltBatch.Core.Bus;

/// <summary>
/// A stream endpoint of the master: an event-bus socket (reference §7.1: a Unix socket under <c>sock_dir</c>, or a
/// loopback TCP port when <c>ipc_mode: tcp</c>) or the request server for <c>transport: tcp</c>.
/// </summary>
public sealed class MasterEndpoint : IEquatable<MasterEndpoint>
{
    private MasterEndpoint(string? socketPath, IPAddress? host, int port)
    {
        SocketPath = socketPath;
        Host = host;
        Port = port;
    }

    /// <summary>The socket file, for a Unix endpoint; null for TCP.</summary>
    public string? SocketPath { get; }

    /// <summary>The address, for a TCP endpoint; null for Unix.</summary>
    public IPAddress? Host { get; }

    public int Port { get; }

    public bool IsUnix => SocketPath is not null;

    public static MasterEndpoint Unix(string socketPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        return new MasterEndpoint(socketPath, null, 0);
    }

    public static MasterEndpoint Tcp(IPAddress host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, IPEndPoint.MinPort + 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        return new MasterEndpoint(null, host, port);
    }

    internal EndPoint ToEndPoint() =>
        SocketPath is not null ? new UnixDomainSocketEndPoint(SocketPath) : new IPEndPoint(Host!, Port);

    internal Socket CreateSocket() =>
        SocketPath is not null
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(Host!.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

    /// <summary><c>unix:/var/run/salt/master/master_event_pull.ipc</c> or <c>tcp://127.0.0.1:4513</c> (<c>tcp://[::1]:4513</c>).</summary>
    public override string ToString() =>
        SocketPath is not null
            ? "unix:" + SocketPath
            : string.Create(CultureInfo.InvariantCulture, $"tcp://{(Host!.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Host}]" : Host.ToString())}:{Port}");

    public bool Equals(MasterEndpoint? other) => other is not null && ToString() == other.ToString();

    public override bool Equals(object? obj) => Equals(obj as MasterEndpoint);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}

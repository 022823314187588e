using System.Net;
using System.Net.Sockets;
using SaltBatch.Core.Config;

namespace SaltBatch.Core.Publish;

/// <summary>Where the master's request server listens and how hard to try reaching it (reference §8.1, §8.6).</summary>
public sealed record RequestServerOptions(string Host, int Port)
{
    public RequestTransport Transport { get; init; } = RequestTransport.ZeroMq;

    /// <summary>How long each try waits for a reply: the master config's <c>timeout</c>.</summary>
    public TimeSpan TryTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>request_channel_tries</c>.</summary>
    public int Tries { get; init; } = 3;

    /// <summary>The <c>master_uri</c>: <c>tcp://127.0.0.1:4506</c>, IPv6 literals bracketed.</summary>
    public string Uri => "tcp://" + TcpAddress.Format(Host, Port);

    internal bool IsIPv6Literal => IPAddress.TryParse(Host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>From the master config's <c>interface</c> and <c>ret_port</c>; a wildcard bind address is reached on loopback, as Salt does.</summary>
    public static RequestServerOptions ForMaster(string configuredInterface, int retPort) =>
        new(configuredInterface switch
        {
            "0.0.0.0" => "127.0.0.1",
            "::" => "::1",
            _ => configuredInterface,
        }, retPort);
}

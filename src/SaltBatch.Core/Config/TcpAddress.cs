using System.Net;
using System.Net.Sockets;

namespace SaltBatch.Core.Config;

internal static class TcpAddress
{
    /// <summary>host:port, with IPv6 literals bracketed so the port stays unambiguous.</summary>
    public static string Format(string host, int port)
    {
        var isBareIPv6 = !host.StartsWith('[')
            && IPAddress.TryParse(host, out var address)
            && address.AddressFamily == AddressFamily.InterNetworkV6;
        return isBareIPv6 ? $"[{host}]:{port}" : $"{host}:{port}";
    }
}

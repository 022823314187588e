using System.Net;
using System.Net.Sockets;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>Opens the listening stream sockets of the event bus: a Unix socket file, or a loopback TCP port.</summary>
public static class ListeningEndpoint
{
    private const int Backlog = 16;

    /// <summary>Binds a Unix stream socket at <paramref name="path"/>, replacing a stale socket file, with mode 0600 like Salt's umask 0177.</summary>
    public static Socket Unix(string path)
    {
        File.Delete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            OwnerOnlyFile.Restrict(path);
            socket.Listen(Backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Binds 127.0.0.1:<paramref name="port"/>; 0 takes a free port (read it from <see cref="Socket.LocalEndPoint"/>).</summary>
    public static Socket Loopback(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen(Backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

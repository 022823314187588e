using System.Net.Sockets;

namespace SaltBatch.Core.Tests.Support;

/// <summary>A listening Unix stream socket standing in for one of the master's event sockets.</summary>
internal sealed class UnixListener : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    public UnixListener(string path)
    {
        Path = path;
        _socket.Bind(new UnixDomainSocketEndPoint(path));
        _socket.Listen(16);
    }

    public string Path { get; }

    public async Task<Socket> AcceptAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        return await _socket.AcceptAsync(deadline.Token);
    }

    public Task<Socket> AcceptAsync(CancellationToken cancellationToken) => _socket.AcceptAsync(cancellationToken).AsTask();

    public void Dispose()
    {
        _socket.Dispose();
        File.Delete(Path);
    }
}

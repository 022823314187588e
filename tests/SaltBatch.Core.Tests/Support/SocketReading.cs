using System.Net.Sockets;

namespace SaltBatch.Core.Tests.Support;

internal static class SocketReading
{
    /// <summary>Everything the peer sends until it closes its side, within <paramref name="timeout"/>.</summary>
    public static async Task<byte[]> ReadToEndAsync(this Socket socket, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        return received.ToArray();
    }
}

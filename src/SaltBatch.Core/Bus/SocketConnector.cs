using System.Net.Sockets;

namespace SaltBatch.Core.Bus;

/// <summary>
/// Opens stream connections to the master with a deadline, turning the socket errors a person will meet into
/// failures that say what to do: the master is not running, or the caller lacks the rights to its sockets.
/// </summary>
internal static class SocketConnector
{
    public static async Task<Socket> ConnectAsync(MasterEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = endpoint.CreateSocket();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(endpoint.ToEndPoint(), deadline.Token).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw Unreachable(endpoint, $"the connection did not complete within {timeout.TotalSeconds:0.###} s", null);
        }
        catch (SocketException error)
        {
            socket.Dispose();
            throw Translate(endpoint, error);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static SaltBatchException Translate(MasterEndpoint endpoint, SocketException error) => error.SocketErrorCode switch
    {
        SocketError.AccessDenied => new SaltBatchException(
            SaltFailureKind.AccessDenied,
            $"Permission denied connecting to {endpoint.SocketPath ?? endpoint.ToString()}: the master's sockets belong to the user it runs as. Run as root or as the master's user (for example with sudo -u salt).",
            endpoint.SocketPath ?? endpoint.ToString(),
            error),
        SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported => Unreachable(endpoint, "the socket file does not exist", error),
        _ when endpoint.SocketPath is { } path && !File.Exists(path) => Unreachable(endpoint, "the socket file does not exist", error),
        SocketError.ConnectionRefused => Unreachable(endpoint, "nothing is listening there", error),
        _ => Unreachable(endpoint, error.Message, error),
    };

    private static SaltBatchException Unreachable(MasterEndpoint endpoint, string reason, Exception? cause) => new(
        SaltFailureKind.MasterUnreachable,
        $"Cannot connect to the master at {endpoint} ({reason}); is the salt-master running? Check that the service is up and that sock_dir / ipc_mode in the master config match.",
        endpoint.ToString(),
        cause);
}

using System.Net.Sockets;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// Accepts connections on a listening socket and runs <c>serve</c> for each on its own long-running task, with blocking
/// I/O. Disposing closes the listener and every connection, which unblocks those tasks, then waits for them, so no
/// thread outlives the server. Connections beyond the cap are closed on arrival.
/// </summary>
public sealed class ConnectionServer : IDisposable
{
    private static readonly TimeSpan ShutdownWait = TimeSpan.FromSeconds(5);

    private readonly Socket _listener;
    private readonly Action<Socket> _serve;
    private readonly int _maxConnections;
    private readonly HashSet<Socket> _connections = [];
    private readonly List<Task> _tasks = [];
    private readonly object _gate = new();
    private readonly Task _acceptLoop;
    private bool _disposed;

    public ConnectionServer(Socket listener, int maxConnections, Action<Socket> serve)
    {
        _listener = listener;
        _maxConnections = maxConnections;
        _serve = serve;
        _acceptLoop = Task.Factory.StartNew(AcceptLoop, TaskCreationOptions.LongRunning);
    }

    public Socket Listener => _listener;

    public void Dispose()
    {
        Task[] running;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var connection in _connections)
            {
                Close(connection);
            }

            running = [.. _tasks, _acceptLoop];
        }

        Close(_listener);
        Task.WaitAll(running, ShutdownWait);
    }

    private void AcceptLoop()
    {
        while (true)
        {
            Socket connection;
            try
            {
                connection = _listener.Accept();
            }
            catch (Exception error) when (error is SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_gate)
            {
                if (_disposed || _connections.Count >= _maxConnections)
                {
                    Close(connection);
                    continue;
                }

                _connections.Add(connection);
                _tasks.RemoveAll(task => task.IsCompleted);
                _tasks.Add(Task.Factory.StartNew(() => Serve(connection), TaskCreationOptions.LongRunning));
            }
        }
    }

    private void Serve(Socket connection)
    {
        try
        {
            _serve(connection);
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException)
        {
            // The peer went away or the server is shutting down; either way this connection is over.
        }
        finally
        {
            lock (_gate)
            {
                _connections.Remove(connection);
            }

            Close(connection);
        }
    }

    private static void Close(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
            // Not connected (a listener) or already closed.
        }

        socket.Dispose();
    }
}

using System.Net.Sockets;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// The master's event pub socket: subscribers connect and send nothing; every frame is written to all of them. A
/// subscriber that cannot take a frame within the send timeout is dropped, as the newest publisher drops slow ones.
/// </summary>
public sealed class EventPublishServer : IDisposable
{
    private const int SendTimeoutMilliseconds = 2000;

    private readonly List<Socket> _subscribers = [];
    private readonly object _gate = new();
    private readonly Action<int> _onSubscribed;
    private readonly TimeSpan _subscribeDelay;
    private readonly ConnectionServer _server;

    /// <param name="subscribeDelay">How long an accepted subscriber waits before it is sent events.</param>
    /// <param name="onSubscribed">Called with the subscriber count each time one is accepted.</param>
    public EventPublishServer(Socket listener, int maxConnections, TimeSpan subscribeDelay, Action<int> onSubscribed)
    {
        _onSubscribed = onSubscribed;
        _subscribeDelay = subscribeDelay;
        _server = new ConnectionServer(listener, maxConnections, Serve);
    }

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Writes one frame to every subscriber; returns how many took it.</summary>
    public int Publish(byte[] frame)
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers.ToArray())
            {
                try
                {
                    subscriber.Send(frame);
                }
                catch (Exception error) when (error is SocketException or ObjectDisposedException)
                {
                    _subscribers.Remove(subscriber);
                }
            }

            return _subscribers.Count;
        }
    }

    public void Dispose() => _server.Dispose();

    private void Serve(Socket connection)
    {
        connection.SendTimeout = SendTimeoutMilliseconds;
        Thread.Sleep(_subscribeDelay);
        int count;
        lock (_gate)
        {
            _subscribers.Add(connection);
            count = _subscribers.Count;
        }

        try
        {
            _onSubscribed(count);

            // Subscribers never send; reading only tells us when they leave.
            var sink = new byte[256];
            while (connection.Receive(sink) > 0)
            {
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(connection);
            }
        }
    }
}

using System.Net.Sockets;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Tests.SimulatedMaster;

/// <summary>A raw pub-socket reader: bare frames decoded with the core codec, each read bounded by a timeout.</summary>
internal sealed class Subscriber : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PayloadReader _reader;

    public Subscriber(Socket socket)
    {
        _socket = socket;
        _socket.ReceiveTimeout = (int)MasterTestBed.Deadline.TotalMilliseconds;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new PayloadReader(_stream, leaveOpen: true);
    }

    public MasterEvent Next()
    {
        var body = EventCodec.UnwrapFrame(_reader.ReadValue(TextDecoding.EventSemantics));
        Assert.NotNull(body);
        return EventCodec.DecodeEvent(body);
    }

    /// <summary>True when nothing arrives within <paramref name="quiet"/>.</summary>
    public bool StaysQuiet(TimeSpan quiet) => !_socket.Poll(quiet, SelectMode.SelectRead);

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }
}

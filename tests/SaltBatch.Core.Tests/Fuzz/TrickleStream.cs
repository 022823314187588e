namespace SaltBatch.Core.Tests.Fuzz;

/// <summary>
/// Hands out one byte per read, so a <see cref="Payload.PayloadReader"/> never holds a whole token in its buffer and
/// takes its general (refilling) path for everything the fast buffered skip would otherwise handle.
/// </summary>
internal sealed class TrickleStream(byte[] data) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (count == 0 || _position == data.Length)
        {
            return 0;
        }

        buffer[offset] = data[_position++];
        return 1;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>Reads one connection's frames under one pull framing.</summary>
public interface IPullFrameReader
{
    /// <summary>The event bytes (frame body) of the next frame; null when the peer closed between frames.</summary>
    /// <exception cref="PullFramingException">The bytes are not a frame under this framing.</exception>
    byte[]? ReadEventBytes();
}

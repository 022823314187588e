namespace SaltBatch.Core.Bus;

/// <summary>How frames are written to the master's event pull socket (reference §0.2, §7.3).</summary>
public enum PullFraming
{
    /// <summary>Detect by firing and watching the pub stream; remember what worked per master.</summary>
    Auto,

    /// <summary>Newest line: a 4-byte big-endian length, then the frame.</summary>
    Prefixed,

    /// <summary>3006/3007: the msgpack frame alone.</summary>
    Bare,
}

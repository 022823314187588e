namespace SaltBatch.Core.Bus;

/// <summary>How frames are written to the master's event pull socket (reference §0.2, §7.3).</summary>
public enum PullFraming
{
    /// <summary>Detect by firing and watching the pub stream; remember what worked per master.</summary>
    Auto,

    /// <summary>A 4-byte big-endian length, then the frame: the newest line, and 3006/3007 builds since mid-2026.</summary>
    Prefixed,

    /// <summary>The msgpack frame alone: 3006/3007 builds before their pull side moved to the prefix.</summary>
    Bare,
}

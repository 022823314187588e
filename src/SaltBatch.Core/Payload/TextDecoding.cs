namespace SaltBatch.Core.Payload;

/// <summary>How msgpack str and bin values become .NET values, mirroring the two ways Salt loads payloads.</summary>
public enum TextDecoding
{
    /// <summary>
    /// <c>payload.loads(data)</c> without an encoding (.p files): both str and bin families become text when
    /// they are valid UTF-8, otherwise they stay <c>byte[]</c>.
    /// </summary>
    FileSemantics,

    /// <summary>
    /// <c>encoding="utf-8"</c> (event data): str becomes text (bytes when not valid UTF-8); bin stays <c>byte[]</c>.
    /// </summary>
    EventSemantics,
}

namespace SaltBatch.Core.Platform;

/// <summary>A numeric owner and group, as chown(2) takes them.</summary>
public readonly record struct UnixOwner(uint Uid, uint Gid);

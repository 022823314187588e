namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>What arrived on the pull socket cannot be read under the master's framing; the connection is dropped.</summary>
public sealed class PullFramingException(string message) : Exception(message);

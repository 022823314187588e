namespace SaltBatch.Core;

/// <summary>A failure the core reports to its callers: a kind to act on, a message for a person, and the thing it concerns.</summary>
public sealed class SaltBatchException : Exception
{
    public SaltBatchException(SaltFailureKind kind, string message, string? target = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Target = target;
    }

    public SaltFailureKind Kind { get; }

    /// <summary>The JID, path or endpoint the failure is about, when there is one.</summary>
    public string? Target { get; }
}

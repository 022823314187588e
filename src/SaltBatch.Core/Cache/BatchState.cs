using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Cache;

/// <summary>Every field of a BatchState document (reference §2.2), per-minion data included.</summary>
public sealed record BatchState
{
    public required PayloadMap Document { get; init; }

    public string? Jid => Document.Get("jid") as string;

    public IReadOnlyList<object?> AllMinions => Document.Get("all_minions") as List<object?> ?? [];

    public IReadOnlyList<object?> Pending => Document.Get("pending") as List<object?> ?? [];

    /// <summary>Minion → dispatch time (Unix seconds).</summary>
    public PayloadMap Active => Document.Get("active") as PayloadMap ?? new PayloadMap();

    /// <summary>Minion → stored return (<c>ret</c>, <c>retcode</c>, ...).</summary>
    public PayloadMap Done => Document.Get("done") as PayloadMap ?? new PayloadMap();

    /// <summary>Minion → reason (<c>timeout</c> or <c>failed</c>).</summary>
    public PayloadMap Failed => Document.Get("failed") as PayloadMap ?? new PayloadMap();

    public bool Halted => Document.Get("halted") is true;

    public string? HaltedReason => Document.Get("halted_reason") as string;

    public string? Driver => Document.Get("driver") as string;
}

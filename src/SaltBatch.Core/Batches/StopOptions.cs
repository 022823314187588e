using SaltBatch.Core.Bus;

namespace SaltBatch.Core.Batches;

/// <summary>How to stop a batch: kill in-flight minions or not, confirm the halt or not, and within what time.</summary>
public sealed record StopOptions
{
    /// <summary>Also publish <c>saltutil.kill_job &lt;jid&gt;</c> to the batch's active minions before the stop event.</summary>
    public bool Kill { get; init; }

    /// <summary>Wait until the master's BatchManager has halted the batch.</summary>
    public bool Confirm { get; init; } = true;

    public TimeSpan ConfirmTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The stop event's <c>reason</c>, which the BatchManager records as <c>halted_reason</c> (reference §2.4).</summary>
    public string Reason { get; init; } = "stop";

    public PullFraming Framing { get; init; } = PullFraming.Auto;

    /// <summary>
    /// Where a framing other than Auto came from (for example <c>-Framing Bare</c>), or null when it was probed. A forced
    /// framing is the likeliest reason a stop goes unconfirmed: the master's release does not tell its framing.
    /// </summary>
    public string? FramingForcedBy { get; init; }

    /// <summary>How often <c>.batch.p</c> is re-read while waiting, in case the halted event is missed.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}

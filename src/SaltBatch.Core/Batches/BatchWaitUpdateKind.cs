namespace SaltBatch.Core.Batches;

/// <summary>What a <see cref="BatchWaitUpdate"/> reports about its batch.</summary>
public enum BatchWaitUpdateKind
{
    /// <summary>Still running; the counts moved (or this is the first look).</summary>
    Progress,

    /// <summary>Complete or halted: the final state, the last update for the batch.</summary>
    Finished,

    /// <summary>The timeout passed first; <see cref="BatchWaitUpdate.Failure"/> says what was last seen.</summary>
    TimedOut,

    /// <summary>The batch could not be waited for at all (invalid JID, no such batch, unreadable state).</summary>
    Failed,
}

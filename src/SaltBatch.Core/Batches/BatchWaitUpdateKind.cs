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

    /// <summary>
    /// More minions were unsuccessful than the failure budget allows: the batch was stopped (or had already finished);
    /// the final state, and <see cref="BatchWaitUpdate.Failure"/> naming the minions. The last update for the batch.
    /// </summary>
    BudgetExceeded,

    /// <summary>The batch could not be waited for at all (invalid JID, no such batch, unreadable state).</summary>
    Failed,
}

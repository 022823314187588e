namespace SaltBatch.Core.Batches;

/// <summary>
/// One operation on several masters at once: every master starts now, in parallel, so the wall time is the slowest
/// master's, not the sum. A master that fails is that master's result; the others still answer.
/// </summary>
public static class MasterFanOut
{
    /// <summary>One task per master, in the masters' order; each completes with the value or the master's failure, never faulted.</summary>
    public static IReadOnlyList<Task<MasterResult<T>>> Start<T>(IEnumerable<IBatchMaster> masters, Func<IBatchMaster, Task<T>> operation) =>
        masters.Select(master => Task.Run(() => RunAsync(master, operation))).ToArray();

    private static async Task<MasterResult<T>> RunAsync<T>(IBatchMaster master, Func<IBatchMaster, Task<T>> operation)
    {
        try
        {
            return new MasterResult<T>(master, await operation(master).ConfigureAwait(false), null);
        }
        catch (SaltBatchException failure)
        {
            return new MasterResult<T>(master, default, failure);
        }
    }
}

/// <summary>What one master answered: a value, or its failure.</summary>
public sealed record MasterResult<T>(IBatchMaster Master, T? Value, SaltBatchException? Failure);

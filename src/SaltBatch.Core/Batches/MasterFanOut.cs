using System.Threading.Channels;

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

    /// <summary>
    /// Every master's stream at once, read on the caller's thread as items arrive from any of them, so one slow master
    /// does not hold back the others' items. Ends when every stream has ended; a stream that throws ends the merge with
    /// its exception at once, and leaving the merge early (or <paramref name="cancellationToken"/>) ends the other streams.
    /// </summary>
    public static IEnumerable<(IBatchMaster Master, T Item)> Merge<T>(
        IEnumerable<IBatchMaster> masters,
        Func<IBatchMaster, CancellationToken, IAsyncEnumerable<T>> stream,
        CancellationToken cancellationToken)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var items = Channel.CreateUnbounded<(IBatchMaster, T)>();
        var producers = masters.Select(master => Task.Run(async () =>
        {
            try
            {
                await foreach (var item in stream(master, ending.Token).WithCancellation(ending.Token).ConfigureAwait(false))
                {
                    await items.Writer.WriteAsync((master, item), ending.Token).ConfigureAwait(false);
                }
            }
            catch (Exception failure) when (!ending.IsCancellationRequested)
            {
                items.Writer.TryComplete(failure);
            }
        })).ToArray();
        _ = Task.WhenAll(producers).ContinueWith(_ => items.Writer.TryComplete(), TaskScheduler.Default);
        try
        {
            while (items.Reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                while (items.Reader.TryRead(out var item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            ending.Cancel();
            Task.WhenAll(producers).ContinueWith(_ => { }, TaskScheduler.Default).Wait();
        }
    }

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

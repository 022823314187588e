namespace SaltBatch.Core.Tests.Support;

/// <summary>
/// Runs blocking server code on its own thread. On a two-core machine a few blocked pool threads starve the thread
/// pool, and everything awaiting (including the code under test) stalls for seconds.
/// </summary>
internal static class Blocking
{
    public static Task Run(Action action) =>
        Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public static Task<T> Run<T>(Func<T> action) =>
        Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}

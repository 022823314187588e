using System.Collections.Concurrent;
using System.Diagnostics;

namespace SaltBatch.Core.Tests.Fuzz;

/// <summary>
/// Catches an input that never finishes. A hung decode cannot be interrupted in .NET, so after
/// <see cref="HangLimit"/> the watchdog writes the input to stderr and to a file and ends the process: a test run
/// that dies loudly with a replayable input beats one that waits for the CI timeout.
/// </summary>
internal static class FuzzWatchdog
{
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    private static readonly ConcurrentDictionary<WatchedInput, byte> Running = new();
    private static readonly Thread Thread = StartThread();

    public static IDisposable Watch(string target, byte[] input)
    {
        GC.KeepAlive(Thread);
        var watch = new WatchedInput(target, input, Stopwatch.GetTimestamp());
        Running.TryAdd(watch, 0);
        return watch;
    }

    private static Thread StartThread()
    {
        var thread = new Thread(Patrol) { IsBackground = true, Name = "fuzz watchdog" };
        thread.Start();
        return thread;
    }

    private static void Patrol()
    {
        while (true)
        {
            Thread.Sleep(500);
            foreach (var watch in Running.Keys)
            {
                if (Stopwatch.GetElapsedTime(watch.Started) > HangLimit)
                {
                    var hex = Convert.ToHexStringLower(watch.Input);
                    var path = Path.Combine(Path.GetTempPath(), $"saltbatch-fuzz-hang-{watch.Target}-{Environment.ProcessId}.hex");
                    File.WriteAllText(path, hex);
                    Environment.FailFast($"fuzz target {watch.Target} hung for more than {HangLimit.TotalSeconds} s on input {hex} (saved to {path})");
                }
            }
        }
    }

    private sealed class WatchedInput(string target, byte[] input, long started) : IDisposable
    {
        public string Target { get; } = target;

        public byte[] Input { get; } = input;

        public long Started { get; } = started;

        public void Dispose() => Running.TryRemove(this, out _);
    }
}

using System.Diagnostics;
using SaltBatch.TestKit;

namespace SaltBatch.Core.Tests.Support;

/// <summary>A TestKit command running in its own process, killed on dispose if it has not finished.</summary>
internal sealed class TestKitProcess : IDisposable
{
    private readonly Process _process;

    private TestKitProcess(Process process) => _process = process;

    public static TestKitProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(CacheFixture).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new TestKitProcess(Process.Start(start)!);
    }

    public bool HasExited => _process.HasExited;

    public async Task<string?> ReadLineAsync(TimeSpan timeout) =>
        await _process.StandardOutput.ReadLineAsync().WaitAsync(timeout);

    /// <summary>Waits for the command to finish and returns its exit code, with stderr when it failed.</summary>
    public async Task<(int ExitCode, string Errors)> WaitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return (_process.ExitCode, await _process.StandardError.ReadToEndAsync());
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}

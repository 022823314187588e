using System.Diagnostics;

namespace SaltBatch.Core.Tests.Peers;

/// <summary>
/// Peers that run alongside a test (servers that wait for our bytes) or whose output is awaited asynchronously;
/// <see cref="PythonPeer"/> runs one-shot commands and owns the interpreter check.
/// </summary>
internal static class PythonPeerProcess
{
    /// <summary>Starts a peer script; the caller reads its output and must dispose the process.</summary>
    public static Process Start(string script, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        PythonPeer.EnsureAvailable();
        var start = new ProcessStartInfo(PythonPeer.Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PythonPeer.Script(script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
    }

    /// <summary>Runs a peer script to completion and returns its standard output.</summary>
    public static async Task<string> RunAsync(string script, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        using var process = Start(script, arguments, environment);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        Assert.True(process.ExitCode == 0, $"{script} failed: {await errors}");
        return (await output).Trim();
    }

    /// <summary>Reads one line of a running peer's output, failing with its error output when it has none.</summary>
    public static async Task<string> ReadLineAsync(Process process, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var line = await process.StandardOutput.ReadLineAsync(deadline.Token);
        if (line is null)
        {
            Assert.Fail($"peer ended without output: {await process.StandardError.ReadToEndAsync(deadline.Token)}");
        }

        return line!;
    }
}

using System.Diagnostics;

namespace SaltBatch.Core.Tests.Support;

/// <summary>
/// Runs the reference peers in tests/peers with Debian's python3, which has the msgpack and zmq bindings Salt uses.
/// A missing peer is a failure, not a skip: these tests are the proof of interoperability.
/// </summary>
internal static class PythonPeer
{
    public const string Interpreter = "/usr/bin/python3";

    private static readonly Lazy<string?> MissingReason = new(FindMissingReason);

    public static string ScriptPath(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = System.IO.Path.Combine(directory.FullName, "tests", "peers", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"tests/peers/{name} not found above {AppContext.BaseDirectory}");
    }

    public static void EnsureAvailable()
    {
        if (MissingReason.Value is { } reason)
        {
            Assert.Fail("Test peers missing: install Debian's python3-msgpack and python3-zmq (apt-get install python3-msgpack python3-zmq). " + reason);
        }
    }

    /// <summary>Starts a peer script; the caller reads its output and must dispose the process.</summary>
    public static Process Start(string script, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        EnsureAvailable();
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ScriptPath(script));
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

    private static string? FindMissingReason()
    {
        if (!File.Exists(Interpreter))
        {
            return $"{Interpreter} does not exist.";
        }

        var check = new ProcessStartInfo(Interpreter, ["-c", "import msgpack, zmq"])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(check)!;
        var errors = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
        {
            process.Kill();
            return "importing msgpack and zmq did not finish.";
        }

        return process.ExitCode == 0 ? null : errors.Trim();
    }
}

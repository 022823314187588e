using System.Diagnostics;
using System.Text;

namespace SaltBatch.Core.Tests.Peers;

/// <summary>
/// Runs Debian's <c>/usr/bin/python3</c> (with python3-msgpack and python3-zmq) as the reference peer. A missing
/// interpreter or module fails the test with install instructions: interop tests must never pass or skip silently.
/// </summary>
public static class PythonPeer
{
    public const string Interpreter = "/usr/bin/python3";

    public const string MissingMessage =
        "Test peers missing: install Debian's python3-msgpack and python3-zmq (apt-get install python3-msgpack python3-zmq)";

    /// <summary>The exit code tests/peers scripts use when their Python modules are missing.</summary>
    public const int PeersMissingExitCode = 3;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<string?> ModulesProblem = new(ProbeModules);

    /// <summary>tests/peers/salt_payload.py, the msgpack reference peer (copied next to the test assembly).</summary>
    public static string SaltPayloadScript => Script("salt_payload.py");

    /// <summary>The path of a script from tests/peers as copied to the test output directory.</summary>
    public static string Script(string fileName) => Path.Combine(AppContext.BaseDirectory, "peers", fileName);

    /// <summary>Fails the test with install instructions unless the interpreter has msgpack and zmq.</summary>
    public static void EnsureAvailable()
    {
        if (ModulesProblem.Value is { } problem)
        {
            Assert.Fail($"{MissingMessage}\n{problem}");
        }
    }

    /// <summary>Runs the interpreter with <paramref name="args"/>, feeds it <paramref name="stdin"/>, returns its stdout.</summary>
    public static string Run(IEnumerable<string> args, string? stdin = null)
    {
        EnsureAvailable();

        var (exitCode, stdout, stderr) = Execute(args, stdin);
        if (exitCode == PeersMissingExitCode)
        {
            Assert.Fail($"{MissingMessage}\n{stderr}");
        }

        if (exitCode != 0)
        {
            Assert.Fail($"{Interpreter} {string.Join(' ', args)} exited with {exitCode}:\n{stderr}");
        }

        return stdout;
    }

    /// <summary>Runs a salt_payload.py command.</summary>
    public static string SaltPayload(IEnumerable<string> args, string? stdin = null) =>
        Run(args.Prepend(SaltPayloadScript), stdin);

    private static string? ProbeModules()
    {
        if (!File.Exists(Interpreter))
        {
            return $"{Interpreter} does not exist.";
        }

        var (exitCode, _, stderr) = Execute(["-c", "import msgpack, zmq"], stdin: null);
        return exitCode == 0 ? null : stderr;
    }

    private static (int ExitCode, string Stdout, string Stderr) Execute(IEnumerable<string> args, string? stdin)
    {
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var startInfo = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = utf8,
            StandardOutputEncoding = utf8,
            StandardErrorEncoding = utf8,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        // The peers must see the JIDs and minion ids as UTF-8 whatever the test host's locale is.
        startInfo.Environment["PYTHONIOENCODING"] = "utf-8";
        startInfo.Environment["PYTHONUTF8"] = "1";

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill();
            Assert.Fail($"{Interpreter} {string.Join(' ', args)} did not finish within {Timeout.TotalSeconds} s.");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}

using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using SaltBatch.Core.Bus;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// <c>simulate-master</c>: runs a <see cref="SimulatedMaster"/> for out-of-process callers (Pester). Prints one JSON
/// ready line on stdout, then serves until stdin closes, a <c>&lt;root&gt;/stop</c> file appears, or SIGTERM/SIGINT.
/// <c>--drive-batches</c> makes it advance the batches in its index every <c>--step-ms</c> (see <see cref="BatchDriver"/>);
/// accepted minions answer <c>test.ping</c> except the <c>--down-minions</c>.
/// </summary>
public static class SimulatedMasterCommand
{
    public const string Name = "simulate-master";

    public const string Usage =
        "simulate-master --root DIR [--framing prefixed|bare] [--hash-type sha256] [--user salt] [--key-text TEXT] " +
        "[--ipc-mode ipc|tcp] [--ret-port N] [--pull-port N] [--pub-port N] [--accepted-minions m1,m2] " +
        "[--down-minions m3,m4] [--never-halt] [--drop-events] [--auth-error] [--acl-error] [--silent] [--no-minions] [--no-publish-pull-ipc] " +
        "[--drive-batches [--step-ms N] [--seed N] [--instant-returns]] [--index-churn] [--index-traffic] [--never-adopt] [--subscribe-delay-ms N] [--minimum-auth-version N] " +
        "[--api [--api-port N] [--api-http] [--api-no-runner-client] [--api-no-batch-runner] [--api-list-active-raises] [--api-token-expire-s N] [--api-delay-ms N] [--api-companion-runner FILE [--api-companion-opt KEY=JSON]...]]";

    private static readonly TimeSpan StopFilePoll = TimeSpan.FromMilliseconds(100);

    public static int Run(string[] args)
    {
        SimulatedMasterOptions options;
        try
        {
            options = Parse(args);
        }
        catch (ArgumentException error)
        {
            Console.Error.WriteLine($"{Name}: {error.Message}");
            Console.Error.WriteLine($"usage: {Usage}");
            return 2;
        }

        using var master = SimulatedMaster.Start(options);
        Serve(master, ReadyLine(master), followStdin: true);
        return 0;
    }

    /// <summary>
    /// Prints the ready line, then serves until a <c>&lt;root&gt;/stop</c> file appears or SIGTERM arrives; also on SIGINT
    /// and on stdin closing when <paramref name="followStdin"/> (a master meant to outlive its starter ignores both).
    /// </summary>
    public static void Serve(SimulatedMaster master, JsonObject readyLine, bool followStdin)
    {
        using var stop = new ManualResetEventSlim();
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Set(); });
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            // Ctrl+C in the shell beside a sandbox master reaches the whole process group; it is meant for the shell.
            context.Cancel = true;
            if (followStdin)
            {
                stop.Set();
            }
        });
        if (followStdin)
        {
            WatchStdin(stop);
        }

        Console.Out.WriteLine(readyLine.ToJsonString());
        Console.Out.Flush();

        var stopFile = Path.Combine(master.Options.RootDirectory, "stop");
        while (!stop.Wait(StopFilePoll) && !File.Exists(stopFile))
        {
        }
    }

    public static SimulatedMasterOptions Parse(string[] args)
    {
        var options = new SimulatedMasterOptions { RootDirectory = string.Empty };
        var keyText = default(string);
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            string Value() => ++i < args.Length ? args[i] : throw new ArgumentException($"{flag} needs a value");
            if (flag == "--key-text")
            {
                keyText = Value();
                continue;
            }

            options = flag switch
            {
                "--root" => options with { RootDirectory = Path.GetFullPath(Value()) },
                "--framing" => options with { PullFraming = ParseFraming(Value()) },
                "--hash-type" => options with { HashType = Value() },
                "--user" => options with { MasterUser = Value() },
                "--ipc-mode" => options with { IpcMode = ParseIpcMode(Value()) },
                "--ret-port" => options with { RetPort = ParsePort(flag, Value()) },
                "--pull-port" => options with { PullPort = ParsePort(flag, Value()) },
                "--pub-port" => options with { PublishPort = ParsePort(flag, Value()) },
                "--accepted-minions" => options with { AcceptedMinions = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--down-minions" => options with { DownMinions = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--instant-returns" => options with { InstantReturns = true },
                "--failing-minions" => options with { FailingMinions = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--index-churn" => options with { IndexChurn = true },
                "--index-traffic" => options with { IndexTraffic = true },
                "--never-adopt" => options with { NeverAdopt = true },
                "--subscribe-delay-ms" => options with { SubscribeDelay = TimeSpan.FromMilliseconds(ParsePositive(flag, Value())) },
                "--minimum-auth-version" => options with { MinimumAuthVersion = ParseNonNegative(flag, Value()) },
                "--never-halt" => options with { NeverHalt = true },
                "--drop-events" => options with { DropEvents = true },
                "--auth-error" => options with { AuthError = true },
                "--acl-error" => options with { AclError = true },
                "--silent" => options with { SilentRequestServer = true },
                "--no-minions" => options with { NoMinions = true },
                "--no-publish-pull-ipc" => options with { PublishPullIpc = false },
                "--drive-batches" => options with { DriveBatches = true },
                "--step-ms" => options with { StepInterval = TimeSpan.FromMilliseconds(ParsePositive(flag, Value())) },
                "--seed" => options with { Seed = ParseInt(flag, Value()) },
                "--api" => options with { Api = ApiOf(options) },
                "--api-port" => options with { Api = ApiOf(options) with { Port = ParsePort(flag, Value()) } },
                "--api-http" => options with { Api = ApiOf(options) with { Tls = false } },
                "--api-no-runner-client" => options with { Api = ApiOf(options) with { RunnerClientEnabled = false } },
                "--api-no-batch-runner" => options with { Api = ApiOf(options) with { BatchRunner = false } },
                "--api-list-active-raises" => options with { Api = ApiOf(options) with { ListActiveRaises = true } },
                "--api-token-expire-s" => options with { Api = ApiOf(options) with { TokenExpire = TimeSpan.FromSeconds(ParsePositive(flag, Value())) } },
                "--api-companion-runner" => options with { Api = ApiOf(options) with { CompanionRunner = Path.GetFullPath(Value()) } },
                "--api-companion-opt" => options with { Api = ApiOf(options) with { CompanionOptions = [.. ApiOf(options).CompanionOptions, Value()] } },
                "--api-delay-ms" => options with { Api = ApiOf(options) with { RunnerDelay = TimeSpan.FromMilliseconds(ParseInt(flag, Value())) } },
                _ => throw new ArgumentException($"unknown option {flag}"),
            };
        }

        if (options.RootDirectory.Length == 0)
        {
            throw new ArgumentException("--root is required");
        }

        if (options.Api is { } api)
        {
            options = options with { Api = api with { CertificateDirectory = Path.Combine(options.RootDirectory, "salt-api") } };
        }

        return keyText is null
            ? options
            : options with { Keys = new Dictionary<string, string> { [options.MasterUser] = keyText, ["root"] = keyText } };
    }

    public static JsonObject ReadyLine(SimulatedMaster master)
    {
        var ready = new JsonObject
        {
            ["cachedir"] = master.CacheDirectory,
            ["sockdir"] = master.SocketDirectory,
            ["retPort"] = master.RetPort,
            ["pullFraming"] = master.Options.PullFraming.ToString().ToLowerInvariant(),
            ["ipcMode"] = master.Options.IpcMode.ToString().ToLowerInvariant(),
            ["hashType"] = master.Options.HashType,
            ["user"] = master.Options.MasterUser,
            ["journal"] = master.Journal.Path,
            ["driveBatches"] = master.Options.DriveBatches,
        };
        if (master.Api is { } api)
        {
            ready["apiUri"] = api.Uri.ToString();
            ready["apiCertificate"] = api.CertificatePath;
        }

        if (master.PullEndPoint is IPEndPoint pull && master.PublishEndPoint is IPEndPoint publish)
        {
            ready["pullPort"] = pull.Port;
            ready["pubPort"] = publish.Port;
        }

        return ready;
    }

    /// <summary>A background reader, so a blocked stdin cannot keep the process alive once another stop signal wins.</summary>
    private static void WatchStdin(ManualResetEventSlim stop)
    {
        var reader = new Thread(() =>
        {
            try
            {
                using var stdin = Console.OpenStandardInput();
                var sink = new byte[256];
                while (stdin.Read(sink) > 0)
                {
                }
            }
            catch (IOException)
            {
                // A broken stdin is as closed as an empty one.
            }

            stop.Set();
        })
        { IsBackground = true, Name = "simulate-master-stdin" };
        reader.Start();
    }

    /// <summary>The salt-api options so far; the certificate directory is set once --root is known.</summary>
    private static SaltApi.SimulatedSaltApiOptions ApiOf(SimulatedMasterOptions options) =>
        options.Api ?? new SaltApi.SimulatedSaltApiOptions { CertificateDirectory = string.Empty };

    private static PullFraming ParseFraming(string value) => value.ToLowerInvariant() switch
    {
        "prefixed" => PullFraming.Prefixed,
        "bare" => PullFraming.Bare,
        _ => throw new ArgumentException($"--framing must be prefixed or bare, not '{value}'"),
    };

    private static IpcMode ParseIpcMode(string value) => value.ToLowerInvariant() switch
    {
        "ipc" => IpcMode.Ipc,
        "tcp" => IpcMode.Tcp,
        _ => throw new ArgumentException($"--ipc-mode must be ipc or tcp, not '{value}'"),
    };

    public static int ParsePositive(string flag, string value) =>
        int.TryParse(value, out var number) && number > 0 ? number : throw new ArgumentException($"{flag} must be a positive whole number");

    private static int ParseNonNegative(string flag, string value) =>
        int.TryParse(value, out var number) && number >= 0 ? number : throw new ArgumentException($"{flag} must be zero or a positive whole number");

    public static int ParseInt(string flag, string value) =>
        int.TryParse(value, out var number) ? number : throw new ArgumentException($"{flag} must be a whole number");

    private static int ParsePort(string flag, string value) =>
        int.TryParse(value, out var port) && port is >= 0 and <= 65535 ? port : throw new ArgumentException($"{flag} must be a port number");
}

using System.Text.Json.Nodes;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// <c>sandbox --root DIR</c>: a driven simulated master with <see cref="SandboxScenario"/>'s batches, a master config
/// file at <c>DIR/master</c> pointing at it, and a salt-api in front of it (HTTPS with a self-signed certificate, the
/// <see cref="SaltApi.ApiUser.Defaults"/> users), for trying the module by hand (build.ps1 -Task Sandbox) or from
/// scripts. Its minions answer <c>test.ping</c> (all but <see cref="DownMinion"/>), so Start-SaltBatch works against it
/// too. Prints one JSON ready line (with <c>config</c>, the batches' JIDs, <c>apiUri</c> and the <c>connect</c> command
/// line), then runs until <c>DIR/stop</c> appears or SIGTERM; it ignores stdin and Ctrl+C, which belong to the shell
/// beside it.
/// </summary>
public static class SandboxCommand
{
    public const string Name = "sandbox";

    public const string Usage = "sandbox --root DIR [--step-ms N (default 1500)] [--seed N] [--companion-runner FILE]";

    /// <summary>The one minion that never answers a ping, so Start-SaltBatch shows its warning in the sandbox too.</summary>
    public const string DownMinion = "app04.dc1.example.com";

    public static int Run(string[] args)
    {
        var options = new SimulatedMasterOptions
        {
            RootDirectory = string.Empty,
            DriveBatches = true,
            StepInterval = TimeSpan.FromMilliseconds(1500),
            MasterUser = Environment.UserName,
            DownMinions = [DownMinion],
            FailingMinions = SandboxScenario.FailingMinions,
            Api = new SaltApi.SimulatedSaltApiOptions { CertificateDirectory = string.Empty },
        };
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                var flag = args[i];
                string Value() => ++i < args.Length ? args[i] : throw new ArgumentException($"{flag} needs a value");
                options = flag switch
                {
                    "--root" => options with { RootDirectory = Path.GetFullPath(Value()) },
                    "--step-ms" => options with { StepInterval = TimeSpan.FromMilliseconds(SimulatedMasterCommand.ParsePositive(flag, Value())) },
                    "--seed" => options with { Seed = SimulatedMasterCommand.ParseInt(flag, Value()) },
                    "--companion-runner" => options with { Api = options.Api! with { CompanionRunner = Path.GetFullPath(Value()) } },
                    _ => throw new ArgumentException($"unknown option {flag}"),
                };
            }

            if (options.RootDirectory.Length == 0)
            {
                throw new ArgumentException("--root is required");
            }
        }
        catch (ArgumentException error)
        {
            Console.Error.WriteLine($"{Name}: {error.Message}");
            Console.Error.WriteLine($"usage: {Usage}");
            return 2;
        }

        options = options with { Api = options.Api! with { CertificateDirectory = Path.Combine(options.RootDirectory, "salt-api") } };
        Directory.CreateDirectory(options.RootDirectory);
        File.Delete(Path.Combine(options.RootDirectory, "stop"));
        using var master = SimulatedMaster.Start(options);
        var batches = SandboxScenario.Write(master, DateTimeOffset.UtcNow);
        var config = WriteConfig(master);

        var ready = SimulatedMasterCommand.ReadyLine(master);
        ready["config"] = config;
        ready["pid"] = Environment.ProcessId;
        ready["connect"] = ConnectLine(master.Api!);
        ready["batches"] = new JsonArray(batches.Select(batch => (JsonNode)new JsonObject { ["jid"] = batch.Jid, ["fun"] = batch.Fun }).ToArray());
        SimulatedMasterCommand.Serve(master, ready, followStdin: false);
        return 0;
    }

    /// <summary>What to type in a shell with the module to reach this master through its salt-api (the operator user).</summary>
    private static string ConnectLine(SaltApi.SimulatedSaltApi api)
    {
        var user = SaltApi.ApiUser.Defaults[0];
        return $"Connect-SaltMaster -Uri {api.Uri} -Credential ([pscredential]::new('{user.Name}', (ConvertTo-SecureString '{user.Password}' -AsPlainText -Force))) -Name sandbox -SkipCertificateCheck";
    }

    /// <summary>The master config a real host would have, reduced to the keys that locate this master (reference §6.1).</summary>
    private static string WriteConfig(SimulatedMaster master)
    {
        var path = Path.Combine(master.Options.RootDirectory, "master");
        File.WriteAllLines(path,
        [
            "# Simulated Salt master (SaltBatch sandbox); not a real master.",
            $"cachedir: {master.CacheDirectory}",
            $"sock_dir: {master.SocketDirectory}",
            $"ret_port: {master.RetPort}",
            $"hash_type: {master.Options.HashType}",
            $"user: {master.Options.MasterUser}",
        ]);
        return path;
    }
}

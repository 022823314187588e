using System.Diagnostics;
using System.Text.Json.Nodes;
using SaltBatch.TestKit.SimulatedMaster;

namespace SaltBatch.Core.Tests.SimulatedMaster;

public sealed class SimulateMasterCommandTests
{
    [Fact]
    public async Task The_cli_prints_one_ready_line_and_exits_when_stdin_closes()
    {
        var root = Path.Combine(Path.GetTempPath(), "simmaster-cli-" + Guid.NewGuid().ToString("N")[..12]);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { typeof(SimulatedMasterCommand).Assembly.Location, SimulatedMasterCommand.Name, "--root", root, "--framing", "bare", "--key-text", "sekrit" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            var ready = JsonNode.Parse(line ?? throw new InvalidOperationException("no ready line: " + await process.StandardError.ReadToEndAsync()))!;

            Assert.Equal(Path.Combine(root, "cachedir"), (string?)ready["cachedir"]);
            Assert.Equal(Path.Combine(root, "sock_dir"), (string?)ready["sockdir"]);
            Assert.Equal("bare", (string?)ready["pullFraming"]);
            Assert.Equal(Path.Combine(root, "journal.jsonl"), (string?)ready["journal"]);
            Assert.InRange((int)ready["retPort"]!, 1, 65535);
            Assert.True(File.Exists(Path.Combine(root, "sock_dir", "master_event_pull.ipc")));
            Assert.True(File.Exists(Path.Combine(root, "sock_dir", "publish_pull.ipc")));
            Assert.Equal("sekrit", File.ReadAllText(Path.Combine(root, "cachedir", ".salt_key")));

            process.StandardInput.Close();

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Unknown_options_are_refused() =>
        Assert.Throws<ArgumentException>(() => SimulatedMasterCommand.Parse(["--root", "/tmp/x", "--bogus"]));
}

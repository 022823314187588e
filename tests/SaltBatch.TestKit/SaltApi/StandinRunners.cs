using System.Diagnostics;
using System.Text.Json.Nodes;

namespace SaltBatch.TestKit.SaltApi;

/// <summary>
/// The runner functions a simulated salt-api serves beyond the batch runner, run as a genuine master would run them
/// but outside Salt: Debian's python3 executes <c>peers/runner_standin.py</c> (copied beside this assembly) with the
/// companion runner file, if one is installed, and the caller's name as <c>__user__</c>. Salt's own
/// <c>jobs.list_job</c> is the stand-in's. So the client meets the shipped runner's code, not an imitation of it.
/// </summary>
internal sealed class StandinRunners
{
    private static readonly string Standin = Path.Combine(AppContext.BaseDirectory, "peers", "runner_standin.py");

    private readonly string _cacheDirectory;
    private readonly string _hashType;
    private readonly string? _companionRunner;
    private readonly IReadOnlyList<string> _masterOptions;

    public StandinRunners(string cacheDirectory, string hashType, string? companionRunner, IReadOnlyList<string> masterOptions)
    {
        _cacheDirectory = cacheDirectory;
        _hashType = hashType;
        _companionRunner = companionRunner;
        _masterOptions = masterOptions;
    }

    /// <summary>Python 3 with python3-msgpack: <c>SALTBATCH_PYTHON</c>, else Debian's.</summary>
    private static string Python => Environment.GetEnvironmentVariable("SALTBATCH_PYTHON") is { Length: > 0 } python ? python : "/usr/bin/python3";

    /// <summary>Whether the master has <paramref name="fun"/>: Salt's <c>jobs.list_job</c> always, the companion's when installed.</summary>
    public bool Has(string fun) =>
        fun == "jobs.list_job" || (_companionRunner is not null && fun.StartsWith("saltbatch.", StringComparison.Ordinal));

    /// <summary>The function's return, as salt-api would put it in <c>return[0]</c>; null when it raised (salt-api's 500).</summary>
    public async Task<JsonNode?> CallAsync(string fun, JsonObject kwargs, string user, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var options = _masterOptions.SelectMany(option => new[] { "--opt", option });
        foreach (var argument in new[] { Standin, "--user", user }.Concat(options).Concat([ "--kwargs", kwargs.ToJsonString(), _companionRunner ?? "-", _cacheDirectory, _hashType]))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(fun.StartsWith("saltbatch.", StringComparison.Ordinal) ? fun["saltbatch.".Length..] : fun);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Python}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var text = (await output).Trim();
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text) ?? JsonValue.Create((string?)null);
        }
        catch (System.Text.Json.JsonException)
        {
            throw new InvalidOperationException($"runner_standin.py {fun} printed no JSON (exit {process.ExitCode}): {await errors}");
        }
    }
}

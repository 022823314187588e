using System.Diagnostics;
using System.Text.Json.Nodes;
using SaltBatch.TestKit.SimulatedMaster;

namespace SaltBatch.TestKit.SaltApi;

/// <summary>
/// The runner functions a simulated salt-api serves beyond the batch runner, run as a genuine master would run them
/// but outside Salt: Debian's python3 executes <c>peers/runner_standin.py</c> (copied beside this assembly) with the
/// companion runner file, if one is installed, and the caller's name as <c>__user__</c>. Salt's own
/// <c>jobs.list_job</c> is the stand-in's. So the client meets the shipped runner's code, not an imitation of it.
/// For <c>saltbatch.start</c> the stand-in is told the master's minions (and which answer a ping), the caller's live
/// token and the users' <c>external_auth</c> rules, and the events the runner fires reach the master as if over its bus.
/// </summary>
internal sealed class StandinRunners
{
    private static readonly string Standin = Path.Combine(AppContext.BaseDirectory, "peers", "runner_standin.py");

    private readonly string _cacheDirectory;
    private readonly string _hashType;
    private readonly string? _companionRunner;
    private readonly IReadOnlyList<string> _masterOptions;
    private readonly SimulatedMaster.SimulatedMaster _master;
    private readonly IReadOnlyList<ApiUser> _users;

    public StandinRunners(SimulatedMaster.SimulatedMaster master, string? companionRunner, IReadOnlyList<string> masterOptions, IReadOnlyList<ApiUser> users)
    {
        _master = master;
        _cacheDirectory = master.CacheDirectory;
        _hashType = master.Options.HashType;
        _companionRunner = companionRunner;
        _masterOptions = masterOptions;
        _users = users;
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
        var events = fun == "saltbatch.start" ? Path.Combine(Path.GetTempPath(), $"saltbatch-standin-events-{Guid.NewGuid():n}.jsonl") : null;
        if (events is not null)
        {
            options = options.Concat(StartContext(user, events));
        }

        foreach (var argument in new[] { Standin, "--user", user }.Concat(options).Concat([ "--kwargs", kwargs.ToJsonString(), _companionRunner ?? "-", _cacheDirectory, _hashType]))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(fun.StartsWith("saltbatch.", StringComparison.Ordinal) ? fun["saltbatch.".Length..] : fun);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Python}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (events is not null)
        {
            FireOnMaster(events);
        }

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

    /// <summary>What a start needs to know of the master: its minions, the caller's token, the rules and its user.</summary>
    private IEnumerable<string> StartContext(string user, string events)
    {
        var minions = new JsonObject(_master.PingAnswers().Select(answer => KeyValuePair.Create(answer.Key, (JsonNode?)answer.Value)));
        var rules = new JsonObject(_users.Select(known => KeyValuePair.Create(known.Name, (JsonNode?)known.Perms.DeepClone())));
        return
        [
            "--minions", minions.ToJsonString(),
            "--tokens", new JsonArray(new JsonObject { ["name"] = user, ["eauth"] = "pam" }).ToJsonString(),
            "--opt", "external_auth=" + new JsonObject { ["pam"] = rules }.ToJsonString(),
            "--opt", "user=" + JsonValue.Create(_master.Options.MasterUser).ToJsonString(),
            "--events", events,
        ];
    }

    private void FireOnMaster(string events)
    {
        if (!File.Exists(events))
        {
            return;
        }

        foreach (var line in File.ReadAllLines(events).Where(line => line.Length > 0))
        {
            var fired = JsonNode.Parse(line)!.AsObject();
            _master.ReceiveEvent(fired["tag"]!.GetValue<string>(), PayloadJson.FromObject(fired["data"]!.AsObject()));
        }

        File.Delete(events);
    }
}

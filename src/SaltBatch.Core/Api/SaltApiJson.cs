using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Api;

/// <summary>The JSON salt-api answers with (§2.3, §2.6, §2.8), read into core types.</summary>
internal static class SaltApiJson
{
    /// <summary><c>{"return": [{"token", "expire", "start", "user", "eauth", "perms"}]}</c>; <c>perms</c> may be a list or <c>{}</c>.</summary>
    public static SaltApiSession ParseLogin(string text, HttpResponseHeaders headers, SaltApiEndpoint endpoint, string user)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var login = document.RootElement.GetProperty("return")[0];
            var token = login.TryGetProperty("token", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : headers.TryGetValues("X-Auth-Token", out var header) ? header.FirstOrDefault() : null;
            if (string.IsNullOrEmpty(token))
            {
                throw SaltApiFailures.Unexpected(endpoint, "/login", "no token in the answer");
            }

            return new SaltApiSession(
                token,
                String(login, "user") ?? user,
                String(login, "eauth") ?? endpoint.EAuth,
                UnixTime.ToUtc(Number(login, "start")),
                UnixTime.ToUtc(Number(login, "expire")),
                login.TryGetProperty("perms", out var perms) ? Perms(perms) : []);
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw SaltApiFailures.Unexpected(endpoint, "/login", "not the JSON of a rest_cherrypy login");
        }
    }

    /// <summary>The value of a one-chunk lowstate call, <c>return[0]</c>; a runner that raised answers with a string.</summary>
    public static JsonElement RunnerReturn(string text, SaltApiEndpoint endpoint, string fun)
    {
        JsonElement value;
        try
        {
            using var document = JsonDocument.Parse(text);
            value = document.RootElement.GetProperty("return")[0].Clone();
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw SaltApiFailures.Unexpected(endpoint, fun, "not a rest_cherrypy {\"return\": [...]} document");
        }

        if (value.ValueKind == JsonValueKind.String && value.GetString() is { } message
            && (message.StartsWith("Exception occurred in runner", StringComparison.Ordinal) || message.Contains("Passed invalid arguments", StringComparison.Ordinal)))
        {
            throw SaltApiFailures.RunnerFailed(endpoint, fun, message);
        }

        return value;
    }

    /// <summary>The companion runner's refusal, <c>{"error": message, "kind": kind, "retcode": 1}</c>; null for any other value.</summary>
    public static (string Kind, string Message)? CompanionRefusal(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && String(value, "error") is { } message
            ? (String(value, "kind") ?? string.Empty, message.TrimEnd('.'))
            : null;

    /// <summary>
    /// One row of <c>saltbatch.minions</c>: <c>minion</c>, <c>state</c>, <c>outcome</c>, and what its state has
    /// (<c>dispatched_at</c>, <c>reason</c>, <c>retcode</c>, <c>retcode_detail</c>; with returns, <c>return</c>,
    /// <c>outputter</c>, <c>late_return</c>). Null for a row that names no minion or an unknown state.
    /// </summary>
    public static BatchMinion? Minion(JsonElement row, bool withReturn)
    {
        if (row.ValueKind != JsonValueKind.Object || String(row, "minion") is not { } name
            || !Enum.TryParse<BatchMinionState>(String(row, "state"), ignoreCase: true, out var state))
        {
            return null;
        }

        var ret = withReturn && row.TryGetProperty("return", out var value) ? Payload(value) : null;
        var returned = withReturn && row.TryGetProperty("return", out _);
        return new BatchMinion(name, state)
        {
            DispatchedAt = Number(row, "dispatched_at"),
            Reason = String(row, "reason"),
            Retcode = Number(row, "retcode") is { } retcode ? (long)retcode : null,
            RetcodeDetail = row.TryGetProperty("retcode_detail", out var detail) && detail.ValueKind == JsonValueKind.Object ? Map(detail) : null,
            Outcome = Enum.TryParse<BatchMinionOutcome>(String(row, "outcome"), ignoreCase: true, out var outcome) ? outcome : null,
            Return = ret,
            Outputter = String(row, "outputter"),
            LateReturn = row.TryGetProperty("late_return", out var late) && late.ValueKind == JsonValueKind.True,
            States = returned ? StateRun.Of(ret) : null,
        };
    }

    /// <summary>
    /// What <c>jobs.list_job</c> knows of a batch's minions: those in its <c>Result</c> returned, with a retcode when
    /// the return stored one. It cannot tell pending from active, nor a timed-out minion from one not yet asked.
    /// </summary>
    public static IEnumerable<BatchMinion> ListJobMinions(JsonElement job, bool withReturn)
    {
        if (job.ValueKind != JsonValueKind.Object || !job.TryGetProperty("Result", out var result) || result.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var minion in result.EnumerateObject())
        {
            var stored = minion.Value;
            if (stored.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var retcode = stored.TryGetProperty("retcode", out var code) ? Retcode.Collapse(Payload(code)) : (long?)null;
            var failed = stored.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False;
            var ret = withReturn && stored.TryGetProperty("return", out var value) ? Payload(value) : null;
            yield return new BatchMinion(minion.Name, BatchMinionState.Done)
            {
                Retcode = retcode,
                Outcome = failed ? BatchMinionOutcome.Failed : BatchMinionOutcomes.OfDone(retcode),
                Return = ret,
                Outputter = withReturn ? String(stored, "out") : null,
                States = withReturn ? StateRun.Of(ret) : null,
            };
        }
    }

    /// <summary>The runner's summary dict (reference §5.4) as a <see cref="BatchSummary"/>; it names no active minions.</summary>
    public static BatchSummary Summary(JsonElement summary) => new()
    {
        Jid = String(summary, "jid"),
        Function = String(summary, "fun"),
        Target = Target(summary),
        TargetType = String(summary, "tgt_type"),
        Total = (long)(Number(summary, "total") ?? 0),
        Completed = (long)(Number(summary, "completed") ?? 0),
        Active = (long)(Number(summary, "active") ?? 0),
        Pending = (long)(Number(summary, "pending") ?? 0),
        Failed = (long)(Number(summary, "failed") ?? 0),
        BatchSize = Number(summary, "batch_size") is { } size ? (long)size : null,
        Halted = summary.TryGetProperty("halted", out var halted) && halted.ValueKind == JsonValueKind.True,
        HaltedReason = String(summary, "halted_reason"),
        Driver = String(summary, "driver"),
        User = String(summary, "user"),
        Created = Number(summary, "created"),
        LastProgress = Number(summary, "last_progress"),
        RelaunchOf = String(summary, "relaunch_of"),
    };

    /// <summary>An event's <c>data</c> as the bus would have carried it: objects become maps, arrays lists.</summary>
    public static object? Payload(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => Map(value),
        JsonValueKind.Array => value.EnumerateArray().Select(Payload).ToList(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var whole) ? (object)whole : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>A payload value (what a cmdlet's arguments become) as JSON for salt-api; bytes as Base64 text.</summary>
    public static JsonNode? FromPayload(object? value) => value switch
    {
        null => null,
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        long or int or short or sbyte or ulong or uint or ushort or byte => JsonValue.Create(Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture)),
        double or float or decimal => JsonValue.Create(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)),
        byte[] bytes => JsonValue.Create(Convert.ToBase64String(bytes)),
        PayloadMap map => new JsonObject(map.Select(entry => KeyValuePair.Create(entry.Key?.ToString() ?? string.Empty, FromPayload(entry.Value)))),
        System.Collections.IEnumerable items => new JsonArray(items.Cast<object?>().Select(FromPayload).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };

    public static PayloadMap Map(JsonElement value)
    {
        var map = new PayloadMap();
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in value.EnumerateObject())
            {
                map.Add(property.Name, Payload(property.Value));
            }
        }

        return map;
    }

    private static IReadOnlyList<string> Perms(JsonElement perms) => perms.ValueKind switch
    {
        JsonValueKind.Array => perms.EnumerateArray().Select(Perm).ToArray(),
        JsonValueKind.Object => perms.EnumerateObject().Select(property => $"{property.Name}: {Flat(property.Value)}").ToArray(),
        _ => [],
    };

    private static string Perm(JsonElement perm) => perm.ValueKind switch
    {
        JsonValueKind.String => perm.GetString()!,
        JsonValueKind.Object => string.Join("; ", perm.EnumerateObject().Select(property => $"{property.Name}: {Flat(property.Value)}")),
        _ => perm.GetRawText(),
    };

    private static string Flat(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(Flat)),
        JsonValueKind.String => value.GetString()!,
        _ => value.GetRawText(),
    };

    /// <summary>A list target is shown joined with commas, as the local summary shows it.</summary>
    private static string? Target(JsonElement summary) =>
        summary.TryGetProperty("tgt", out var tgt) && tgt.ValueKind == JsonValueKind.Array
            ? string.Join(",", tgt.EnumerateArray().Select(Flat))
            : String(summary, "tgt");

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SaltBatch.TestKit.SaltApi;

/// <summary>
/// One <c>external_auth: pam: &lt;name&gt;</c> entry: the password PAM would accept and the permission list, matched
/// for runner functions as <c>CkMinions.spec_check(..., form="runner")</c> does (§2.11).
/// </summary>
public sealed record ApiUser(string Name, string Password, JsonArray Perms)
{
    /// <summary>
    /// A batch operator with the rules the README asks for (the batch runner, the companion runner, and
    /// <c>jobs.list_job</c> for the fallback) who may also start <c>test.*</c> anywhere and <c>state.apply</c> on
    /// <c>web*</c>; <c>noping</c>, who may start nothing because <c>test.ping</c> is not theirs; one with the batch runner
    /// only; and a user who may log in but run no runner.
    /// </summary>
    public static readonly IReadOnlyList<ApiUser> Defaults =
    [
        new("saltbatch", "saltbatch-password", [
            new JsonObject { ["@runner"] = new JsonArray("batch\\..*", "saltbatch\\..*", "jobs\\.list_job") },
            "test.*",
            new JsonObject { ["web*"] = new JsonArray("state.apply") },
        ]),
        new("noping", "noping-password", [
            new JsonObject { ["@runner"] = new JsonArray("batch\\..*", "saltbatch\\..*") },
            new JsonObject { ["web*"] = new JsonArray("state.apply") },
        ]),
        new("batchonly", "batchonly-password", [new JsonObject { ["@runner"] = new JsonArray("batch\\..*") }]),
        new("viewer", "viewer-password", ["test.*"]),
    ];

    public bool MayRun(string fun)
    {
        var dot = fun.IndexOf('.');
        var module = dot < 0 ? fun : fun[..dot];
        var function = dot < 0 ? string.Empty : fun[(dot + 1)..];
        foreach (var perm in Perms)
        {
            switch (perm)
            {
                case JsonValue value when value.TryGetValue<string>(out var text):
                    if (text is "@runner" or "@runners" || text == "@" + module)
                    {
                        return true;
                    }

                    break;
                case JsonObject map:
                    foreach (var (key, patterns) in map)
                    {
                        var subject = key is "@runner" or "@runners" ? fun : key == "@" + module ? function : null;
                        if (subject is not null && patterns is JsonArray list && list.Any(p => p is JsonValue v && v.TryGetValue<string>(out var pattern) && Regex.IsMatch(subject, "^(?:" + pattern + ")")))
                        {
                            return true;
                        }
                    }

                    break;
            }
        }

        return false;
    }
}

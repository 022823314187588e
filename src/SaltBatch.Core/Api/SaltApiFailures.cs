using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SaltBatch.Core.Api;

/// <summary>
/// What each salt-api answer or transport failure means (§2.7), as typed failures whose messages say what happened,
/// where, and what to do. rest_cherrypy reports most errors as an HTML page with the reason in its first
/// <c>&lt;p&gt;</c>, and 500 as JSON.
/// </summary>
internal static partial class SaltApiFailures
{
    /// <summary>The Salt release whose master has the batch runner and the BatchManager (salt/runners/batch.py).</summary>
    public const string BatchRunnerRelease = "Salt 3008";

    public static SaltBatchException LoginRefused(SaltApiEndpoint endpoint, string user, string reason) => new(
        SaltFailureKind.ApiAuthenticationFailed,
        $"salt-api at {endpoint.Uri} refused the login of user '{user}' with eauth '{endpoint.EAuth}' ({reason}). Check the user name and password, and that the master's external_auth lists this user under '{endpoint.EAuth}' (-EAuth chooses the eauth backend; the default is pam).",
        endpoint.Name);

    public static SaltBatchException AccessDenied(SaltApiEndpoint endpoint, string user, string fun, string reason) => new(
        SaltFailureKind.ApiAccessDenied,
        $"salt-api at {endpoint.Uri} logged in user '{user}' but refused the runner call {fun} ({reason}): the master's external_auth does not allow this user the batch runner. Give the user a rule such as \"external_auth: {{{endpoint.EAuth}: {{{user}: [{{'@runner': ['batch\\..*']}}]}}}}\" in the master config, and restart salt-api.",
        endpoint.Name);

    /// <summary>The rule a salt-api user needs for the companion runner, as the README tells the admin.</summary>
    public const string CompanionRule = "saltbatch\\..*";

    public static SaltBatchException CompanionAccessDenied(SaltApiEndpoint endpoint, string user, string fun, string reason) => new(
        SaltFailureKind.ApiAccessDenied,
        $"salt-api at {endpoint.Uri} logged in user '{user}' but refused the runner call {fun} ({reason}): the master's external_auth does not allow this user SaltBatch's companion runner. Give the user a rule such as \"external_auth: {{{endpoint.EAuth}: {{{user}: [{{'@runner': ['batch\\..*', '{CompanionRule}']}}]}}}}\" in the master config, and restart salt-api.",
        endpoint.Name);

    public static SaltBatchException CompanionRunnerMissing(SaltApiEndpoint endpoint, string user, string fun, string reason) => new(
        SaltFailureKind.CompanionRunnerMissing,
        $"salt-api at {endpoint.Uri} failed to run {fun} ({reason}), and saltbatch.version fails the same way: SaltBatch's companion runner is not installed on that master. On the master host, run Install-SaltBatchRunner as root (or copy salt/_runners/saltbatch.py from the SaltBatch module into a directory named in the master's runner_dirs, or into <file_roots>/_runners/ and run salt-run saltutil.sync_runners), and give '{user}' the external_auth rule {{'@runner': ['{CompanionRule}']}}. See the README's section for the master admin.",
        endpoint.Name);

    /// <summary>A refusal the companion runner returned: its own message, which says what was wrong and what to do.</summary>
    public static SaltBatchException CompanionRefused(SaltApiEndpoint endpoint, string fun, string kind, string message) => new(
        kind switch
        {
            "NotFound" => SaltFailureKind.NotFound,
            "InvalidArgument" => SaltFailureKind.InvalidArgument,
            "AccessDenied" => SaltFailureKind.ApiAccessDenied,
            "NoMinions" => SaltFailureKind.NoMinions,
            "ConfigInvalid" => SaltFailureKind.ConfigInvalid,
            _ => SaltFailureKind.ApiError,
        },
        $"The master's {fun} refused (through salt-api at {endpoint.Uri}): {message}.",
        endpoint.Name);

    public static SaltBatchException Forbidden(SaltApiEndpoint endpoint, string reason) => new(
        SaltFailureKind.ApiAccessDenied,
        $"salt-api at {endpoint.Uri} refused this client ({reason}): the rest_cherrypy settings authorized_ips or ssl_allowed_cn do not admit it. Ask the master's admin to allow this workstation.",
        endpoint.Name);

    public static SaltBatchException ClientDisabled(SaltApiEndpoint endpoint, string reason) => new(
        SaltFailureKind.ApiClientDisabled,
        $"salt-api at {endpoint.Uri} has the runner client disabled ({reason}). Add 'runner' to netapi_enable_clients in the master config (netapi_enable_clients: [runner]) and restart salt-api; since Salt 3006 every client is disabled by default.",
        endpoint.Name);

    public static SaltBatchException RunnerMissing(SaltApiEndpoint endpoint, string fun, string reason) => new(
        SaltFailureKind.BatchRunnerMissing,
        $"salt-api at {endpoint.Uri} failed to run {fun} ({reason}), and the other batch runner functions fail the same way: this master has no batch runner. Master-driven async batches (salt/runners/batch.py and the BatchManager) come with {BatchRunnerRelease}; upgrade the master to {BatchRunnerRelease} or later.",
        endpoint.Name);

    public static SaltBatchException RunnerRaised(SaltApiEndpoint endpoint, string fun, string reason) => new(
        SaltFailureKind.ApiError,
        $"salt-api at {endpoint.Uri} failed to run {fun} ({reason}): the master's batch runner is there (it answers other calls), but {fun} raised an error. salt-api reports no more than that; the traceback is in the salt-api log on the master (api_logfile, /var/log/salt/api by default).",
        endpoint.Name);

    public static SaltBatchException MasterDown(SaltApiEndpoint endpoint, string reason) => new(
        SaltFailureKind.MasterUnreachable,
        $"salt-api at {endpoint.Uri} answered, but the salt-master behind it did not ({reason}). Check that the salt-master service is running on that host.",
        endpoint.Name);

    public static SaltBatchException RunnerFailed(SaltApiEndpoint endpoint, string fun, string text) => new(
        SaltFailureKind.ApiError,
        $"The master's runner {fun} failed (through salt-api at {endpoint.Uri}): {FirstLine(text)}",
        endpoint.Name);

    public static SaltBatchException Unexpected(SaltApiEndpoint endpoint, string what, string detail) => new(
        SaltFailureKind.ApiError,
        $"salt-api at {endpoint.Uri} answered {what} with something SaltBatch cannot use ({detail}). Check that the URI is a salt-api (rest_cherrypy) and its root_prefix.",
        endpoint.Name);

    /// <summary>A request that never got an HTTP answer: refused, timed out, or refused by our TLS check.</summary>
    public static SaltBatchException Transport(SaltApiEndpoint endpoint, Exception error, SslPolicyErrors? certificateErrors)
    {
        if (certificateErrors is { } errors && errors != SslPolicyErrors.None)
        {
            return new SaltBatchException(
                SaltFailureKind.CertificateNotTrusted,
                $"The TLS certificate of salt-api at {endpoint.Uri} is not trusted ({Describe(errors)}), so SaltBatch refused the connection and sent nothing. If the salt-api uses a self-signed certificate (as salt-call tls.create_self_signed_cert makes), add it to this machine's trusted certificates, or connect with -SkipCertificateCheck to accept the certificate of this connection without checking it.",
                endpoint.Name,
                error);
        }

        var reason = error is TaskCanceledException or OperationCanceledException
            ? $"no answer within {endpoint.RequestTimeout.TotalSeconds:0.#}s"
            : Innermost(error).Message;
        return new SaltBatchException(
            SaltFailureKind.MasterUnreachable,
            $"Cannot reach salt-api at {endpoint.Uri}: {reason}. Check the URI and port (rest_cherrypy: port), that salt-api is running on that host, and that no firewall is in the way.",
            endpoint.Name,
            error);
    }

    /// <summary>The reason a rest_cherrypy error page or JSON error gives.</summary>
    public static string Reason(HttpStatusCode status, string body)
    {
        var text = body.TrimStart().StartsWith('{') ? JsonReturn(body) : HtmlParagraph(body);
        return string.IsNullOrWhiteSpace(text) ? $"HTTP {(int)status} {status}" : $"HTTP {(int)status}: {text}";
    }

    private static string? JsonReturn(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("return", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? HtmlParagraph(string body)
    {
        var match = Paragraph().Match(body);
        return match.Success ? WebUtility.HtmlDecode(Tags().Replace(match.Groups["text"].Value, string.Empty)).Trim() : null;
    }

    private static string Describe(SslPolicyErrors errors) => errors switch
    {
        SslPolicyErrors.None => "the TLS handshake failed",
        _ => string.Join(", ", new[]
        {
            errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors) ? "not issued by a trusted authority, e.g. self-signed" : null,
            errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) ? "issued for another host name" : null,
            errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) ? "no certificate presented" : null,
        }.OfType<string>()),
    };

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is not null)
        {
            error = error.InnerException;
        }

        return error;
    }

    private static string FirstLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? text : lines.Length == 1 ? lines[0] : $"{lines[0]} … {lines[^1]}";
    }

    [GeneratedRegex("<p>(?<text>.*?)</p>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Paragraph();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}

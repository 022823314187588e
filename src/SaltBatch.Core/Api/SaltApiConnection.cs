using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SaltBatch.Core.Api;

/// <summary>
/// One logged-in salt-api (rest_cherrypy, §2): the session from <c>/login</c> and the credential it was made with, so
/// an expired session is renewed once, transparently; the runner calls and <c>/events</c> on top of it. The HTTP
/// itself (one client, timeouts, certificates, status codes) is <see cref="SaltApiTransport"/>'s. Safe to use from
/// several threads. The password and the session token never reach a log line or an exception message.
/// </summary>
public sealed class SaltApiConnection : IDisposable
{
    /// <summary>A well-formed JID of no batch (1970), for asking the batch runner something harmless.</summary>
    private const string NoBatchJid = "19700101000000000000";

    private readonly NetworkCredential _credential;
    private readonly SaltApiTransport _transport;
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private SaltApiSession? _session;

    public SaltApiConnection(SaltApiEndpoint endpoint, NetworkCredential credential)
    {
        Endpoint = endpoint;
        _credential = credential;
        _transport = new SaltApiTransport(endpoint);
    }

    public SaltApiEndpoint Endpoint { get; }

    public string Name => Endpoint.Name;

    public string UserName => _credential.UserName;

    /// <summary>The current login; null before <see cref="LoginAsync"/> and after <see cref="LogoutAsync"/>.</summary>
    public SaltApiSession? Session => _session;

    /// <summary>How many times the session was renewed after it expired (internal: the engine's tests observe it, nothing else reads it).</summary>
    internal int Renewals { get; private set; }

    /// <summary><c>POST /login</c>.</summary>
    /// <exception cref="SaltBatchException">ApiAuthenticationFailed, MasterUnreachable, CertificateNotTrusted, ApiError.</exception>
    public async Task<SaltApiSession> LoginAsync(CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["username"] = _credential.UserName, ["password"] = _credential.Password, ["eauth"] = Endpoint.EAuth };
        using var response = await _transport.SendAsync(HttpMethod.Post, "login", body, token: null, cancellationToken).ConfigureAwait(false);
        var text = await _transport.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw SaltApiFailures.LoginRefused(Endpoint, _credential.UserName, SaltApiFailures.Reason(response.StatusCode, text));
        }

        ThrowForStatus(response, text, "/login");
        var session = SaltApiJson.ParseLogin(text, response.Headers, Endpoint, _credential.UserName);
        _session = session;
        return session;
    }

    /// <summary><c>POST /logout</c>: the session ends on the server (the Salt eauth token behind it is not revoked, §2.9).</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken)
    {
        if (_session is null)
        {
            return;
        }

        try
        {
            using var response = await SendWithSessionAsync(HttpMethod.Post, "logout", new JsonObject(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _session = null;
        }
    }

    /// <summary>
    /// Runs a runner function through the <c>runner</c> client (§2.6) and returns its value (<c>return[0]</c>). An
    /// expired or refused session is renewed once with the stored credential; a second refusal is the master's ACL.
    /// </summary>
    /// <param name="log">What happened behind the scenes (never the credential or the token).</param>
    /// <exception cref="SaltBatchException">
    /// ApiAccessDenied, ApiClientDisabled, BatchRunnerMissing, ApiAuthenticationFailed (renewal refused),
    /// MasterUnreachable, CertificateNotTrusted, ApiError.
    /// </exception>
    public Task<JsonElement> RunAsync(string fun, JsonObject kwarg, Action<string> log, CancellationToken cancellationToken) =>
        CallRunnerAsync(
            fun,
            kwarg,
            reason => SaltApiFailures.AccessDenied(Endpoint, _credential.UserName, fun, reason),
            async reason => await BatchRunnerAnswersAsync(fun, cancellationToken).ConfigureAwait(false)
                ? SaltApiFailures.RunnerRaised(Endpoint, fun, reason)
                : SaltApiFailures.RunnerMissing(Endpoint, fun, reason),
            log,
            cancellationToken);

    /// <summary>
    /// A function of the companion runner <c>saltbatch</c> that ships with SaltBatch; a refusal it returns (a dict with
    /// <c>error</c> and <c>kind</c>) becomes the matching failure.
    /// </summary>
    /// <exception cref="SaltBatchException">
    /// CompanionRunnerMissing (not installed on the master), ApiAccessDenied (no <c>saltbatch\..*</c> rule, or the
    /// runner refused), NotFound and InvalidArgument as the runner says, and every failure of <see cref="RunAsync"/>.
    /// </exception>
    public async Task<JsonElement> RunCompanionAsync(string fun, JsonObject kwarg, Action<string> log, CancellationToken cancellationToken)
    {
        var value = await CallRunnerAsync(
            fun,
            kwarg,
            reason => SaltApiFailures.CompanionAccessDenied(Endpoint, _credential.UserName, fun, reason),
            async reason => await CompanionRunnerAnswersAsync(fun, cancellationToken).ConfigureAwait(false)
                ? SaltApiFailures.RunnerRaised(Endpoint, fun, reason)
                : SaltApiFailures.CompanionRunnerMissing(Endpoint, _credential.UserName, fun, reason),
            log,
            cancellationToken).ConfigureAwait(false);
        return SaltApiJson.CompanionRefusal(value) is { } refusal ? throw SaltApiFailures.CompanionRefused(Endpoint, fun, refusal.Kind, refusal.Message) : value;
    }

    private async Task<JsonElement> CallRunnerAsync(
        string fun,
        JsonObject kwarg,
        Func<string, SaltBatchException> denied,
        Func<string, Task<SaltBatchException>> serverError,
        Action<string> log,
        CancellationToken cancellationToken)
    {
        var renewed = await RenewIfExpiredAsync(log, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var lowstate = new JsonArray(new JsonObject { ["client"] = "runner", ["fun"] = fun, ["kwarg"] = kwarg.DeepClone() });
            using var response = await SendWithSessionAsync(HttpMethod.Post, string.Empty, lowstate, cancellationToken).ConfigureAwait(false);
            var text = await _transport.ReadAsync(response, cancellationToken).ConfigureAwait(false);
            var reason = SaltApiFailures.Reason(response.StatusCode, text);
            switch (response.StatusCode)
            {
                case HttpStatusCode.Unauthorized when !renewed:
                    log($"salt-api at {Endpoint.Uri} refused the session for {fun} ({reason}); logging in again as '{_credential.UserName}', once.");
                    await RenewAsync(cancellationToken).ConfigureAwait(false);
                    renewed = true;
                    continue;
                case HttpStatusCode.Unauthorized:
                    throw denied(reason);
                case HttpStatusCode.BadRequest when text.Contains("netapi_enable_clients", StringComparison.Ordinal) || text.Contains("Client disabled", StringComparison.Ordinal):
                    throw SaltApiFailures.ClientDisabled(Endpoint, reason);
                case HttpStatusCode.InternalServerError:
                    // salt-api answers the same bare 500 for a runner the master does not have and for one that raised.
                    throw await serverError(reason).ConfigureAwait(false);
            }

            ThrowForStatus(response, text, fun);
            return SaltApiJson.RunnerReturn(text, Endpoint, fun);
        }
    }

    /// <summary>Whether the companion runner is installed: its <c>version</c>, which cannot raise, answers.</summary>
    private async Task<bool> CompanionRunnerAnswersAsync(string failedFun, CancellationToken cancellationToken)
    {
        if (failedFun == CompanionVersionFunction)
        {
            return false;
        }

        var probe = new JsonObject { ["client"] = "runner", ["fun"] = CompanionVersionFunction, ["kwarg"] = new JsonObject() };
        using var response = await SendWithSessionAsync(HttpMethod.Post, string.Empty, new JsonArray(probe), cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK;
    }

    private const string CompanionVersionFunction = "saltbatch.version";

    /// <summary>
    /// Whether the master has the batch runner at all: a harmless call of another of its functions (the status of a JID
    /// no batch has) that a master without it answers with the same 500.
    /// </summary>
    private async Task<bool> BatchRunnerAnswersAsync(string failedFun, CancellationToken cancellationToken)
    {
        var probe = failedFun == "batch.status"
            ? new JsonObject { ["client"] = "runner", ["fun"] = "batch.list_active", ["kwarg"] = new JsonObject() }
            : new JsonObject { ["client"] = "runner", ["fun"] = "batch.status", ["kwarg"] = new JsonObject { ["jid"] = NoBatchJid } };
        using var response = await SendWithSessionAsync(HttpMethod.Post, string.Empty, new JsonArray(probe), cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>
    /// <c>GET /events</c> (§2.8): the response stream, once the server said 200. The session is renewed once if the
    /// server refuses it. No query parameters: the newest salt-api rejects them, and the token goes in the header.
    /// </summary>
    public async Task<Stream> OpenEventsAsync(Action<string> log, CancellationToken cancellationToken)
    {
        var renewed = await RenewIfExpiredAsync(log, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var response = await SendWithSessionAsync(HttpMethod.Get, "events", null, cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && !renewed)
            {
                response.Dispose();
                log($"salt-api at {Endpoint.Uri} refused the session for /events; logging in again as '{_credential.UserName}', once.");
                await RenewAsync(cancellationToken).ConfigureAwait(false);
                renewed = true;
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    var text = await _transport.ReadAsync(response, cancellationToken).ConfigureAwait(false);
                    ThrowForStatus(response, text, "/events");
                }
            }

            return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A request carrying the current session's token (none before the first login).</summary>
    private Task<HttpResponseMessage> SendWithSessionAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead) =>
        _transport.SendAsync(method, path, body, _session?.Token, cancellationToken, completion);

    /// <summary>An unsuccessful status as this user's failure (<see cref="SaltApiTransport.ThrowForStatus"/>).</summary>
    private void ThrowForStatus(HttpResponseMessage response, string text, string what) =>
        _transport.ThrowForStatus(response, text, _credential.UserName, what);

    public void Dispose()
    {
        _transport.Dispose();
        _renewing.Dispose();
    }

    private async Task<bool> RenewIfExpiredAsync(Action<string> log, CancellationToken cancellationToken)
    {
        if (_session is { } session && !session.IsExpired(DateTime.UtcNow))
        {
            return false;
        }

        log(_session is null
            ? $"No salt-api session for '{Name}'; logging in as '{_credential.UserName}'."
            : $"The salt-api session for '{Name}' expired at {_session.ExpiresUtc:u}; logging in again as '{_credential.UserName}'.");
        await RenewAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var stale = _session;
        await _renewing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have renewed while this one waited.
            if (_session is null || ReferenceEquals(_session, stale))
            {
                await LoginAsync(cancellationToken).ConfigureAwait(false);
                if (stale is not null)
                {
                    Renewals++;
                }
            }
        }
        finally
        {
            _renewing.Release();
        }
    }
}

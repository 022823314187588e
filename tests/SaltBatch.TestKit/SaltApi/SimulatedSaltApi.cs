using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;
using SaltBatch.Core;
using SaltBatch.TestKit.SimulatedMaster;

namespace SaltBatch.TestKit.SaltApi;

/// <summary>
/// salt-api's <c>rest_cherrypy</c> as its clients see it (salt-start-and-api.md Part 2) over a
/// <see cref="SimulatedMaster.SimulatedMaster"/>: <c>/login</c> against <c>external_auth</c> users, session tokens that
/// expire, <c>POST /</c> lowstate with the <c>runner</c> client (the batch runner), <c>/events</c> as server-sent
/// events from the master's bus, <c>/logout</c>, the error statuses and bodies of §2.7, and TLS with a generated
/// self-signed certificate. Loopback only. Every request lands in the master's journal (never a password).
/// </summary>
public sealed class SimulatedSaltApi : IDisposable
{
    /// <summary>A file that, once it appears in the master's root, expires every session then open (and is removed).</summary>
    public const string ExpireSessionsFile = "expire-api-sessions";

    private static readonly string[] Clients = ["local", "local_async", "local_batch", "local_subset", "runner", "runner_async", "ssh", "wheel", "wheel_async"];

    private readonly SimulatedSaltApiOptions _options;
    private readonly SimulatedMaster.SimulatedMaster _master;
    private readonly SimulatedBatchRunner _runner;
    private readonly StandinRunners _standins;
    private readonly TcpListener _listener;
    private readonly X509Certificate2? _certificate;
    private readonly ConcurrentDictionary<string, Session> _sessions = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _accepting;

    public SimulatedSaltApi(SimulatedMaster.SimulatedMaster master, SimulatedSaltApiOptions options)
    {
        _master = master;
        _options = options;
        _runner = new SimulatedBatchRunner(master);
        _standins = new StandinRunners(master, options.CompanionRunner, options.CompanionOptions, options.Users);
        if (options.Tls)
        {
            _certificate = SelfSignedCertificate.Create(options.CertificateDirectory, out var certificatePath);
            CertificatePath = certificatePath;
        }

        _listener = new TcpListener(IPAddress.Loopback, options.Port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public Uri Uri => new($"{(_options.Tls ? "https" : "http")}://127.0.0.1:{Port}/");

    /// <summary>The PEM certificate (<c>ssl_crt</c>); null without TLS.</summary>
    public string? CertificatePath { get; }

    public void Dispose()
    {
        _closing.Cancel();
        _listener.Stop();
        try
        {
            _accepting.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopping the listener ends the accept loop with an error; that is how it is told to stop.
        }

        _certificate?.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_closing.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_closing.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                if (_certificate is not null)
                {
                    var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _closing.Token);
                    stream = tls;
                }

                await using (stream)
                {
                    if (await HttpExchange.ReadAsync(stream, _closing.Token) is { } exchange)
                    {
                        await RouteAsync(exchange);
                    }
                }
            }
            catch (Exception error) when (error is IOException or OperationCanceledException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
            {
                // A client that refuses our certificate or goes away mid-answer ends only its own connection.
                _master.Journal.Add("api-connection-dropped", new JsonObject { ["error"] = error.GetType().Name, ["detail"] = error.Message });
            }
        }
    }

    private Task RouteAsync(HttpExchange exchange)
    {
        _master.Journal.Add("api-request", new JsonObject { ["method"] = exchange.Method, ["path"] = exchange.Path, ["query"] = exchange.HasQuery });
        ExpireSessionsWhenAsked();
        return (exchange.Method, exchange.Path) switch
        {
            ("GET", "/") => Json(exchange, new JsonObject { ["return"] = "Welcome", ["clients"] = new JsonArray(Clients.Select(c => (JsonNode)c).ToArray()) }),
            ("POST", "/login") => LoginAsync(exchange),
            ("POST", "/logout") => LogoutAsync(exchange),
            ("POST", "/") => LowstateAsync(exchange),
            ("GET", "/events") => EventsAsync(exchange),
            (_, "/" or "/login" or "/logout" or "/events") => Error(exchange, HttpStatusCode.MethodNotAllowed, "Specified method is invalid for this resource"),
            _ => Error(exchange, HttpStatusCode.NotFound, $"The path '{exchange.Path}' was not found."),
        };
    }

    private async Task LoginAsync(HttpExchange exchange)
    {
        var form = Body(exchange) switch
        {
            JsonArray { Count: > 0 } array => array[0] as JsonObject,
            JsonObject single => single,
            _ => null,
        };
        var name = Text(form?["username"]);
        var password = Text(form?["password"]);
        var eauth = Text(form?["eauth"]);
        var user = _options.Users.FirstOrDefault(u => u.Name == name);
        _master.Journal.Add("api-login", new JsonObject { ["user"] = name, ["eauth"] = eauth, ["accepted"] = user is not null && user.Password == password && eauth is "pam" or "auto" });
        if (user is null || user.Password != password || eauth is not ("pam" or "auto"))
        {
            await Error(exchange, HttpStatusCode.Unauthorized, "Could not authenticate using provided credentials");
            return;
        }

        var start = Now();
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();
        var expire = start + _options.TokenExpire.TotalSeconds;
        _sessions[token] = new Session(user, eauth, expire);

        // The journal is the tests' view of the server: they check that this token never shows up on the client side.
        _master.Journal.Add("api-session", new JsonObject { ["user"] = user.Name, ["token"] = token });
        var body = new JsonObject
        {
            ["return"] = new JsonArray(new JsonObject
            {
                ["token"] = token,
                ["expire"] = expire,
                ["start"] = start,
                ["user"] = user.Name,
                ["eauth"] = eauth,
                ["perms"] = user.Perms.DeepClone(),
            }),
        };
        await Json(exchange, body, [new("X-Auth-Token", token), new("Set-Cookie", $"session_id={token}; expires={DateTime.UtcNow.Add(_options.TokenExpire):R}; Path=/")]);
    }

    private async Task LogoutAsync(HttpExchange exchange)
    {
        if (Authenticated(exchange) is not { } token)
        {
            await Error(exchange, HttpStatusCode.Unauthorized, "No permission -- see authorization schemes");
            return;
        }

        _sessions.TryRemove(token, out _);
        await Json(exchange, new JsonObject { ["return"] = "Your token has been cleared" });
    }

    private async Task LowstateAsync(HttpExchange exchange)
    {
        if (Authenticated(exchange) is not { } token || !_sessions.TryGetValue(token, out var session))
        {
            await Error(exchange, HttpStatusCode.Unauthorized, "No permission -- see authorization schemes");
            return;
        }

        var chunks = Body(exchange) switch
        {
            JsonArray array => array.OfType<JsonObject>().ToList(),
            JsonObject single => [single],
            _ => null,
        };
        if (chunks is null)
        {
            await Error(exchange, HttpStatusCode.BadRequest, "Lowstates must be a list");
            return;
        }

        var results = new JsonArray();
        foreach (var chunk in chunks)
        {
            var client = Text(chunk["client"]);
            var fun = Text(chunk["fun"]) ?? string.Empty;
            _master.Journal.Add("api-call", new JsonObject { ["client"] = client, ["fun"] = fun, ["user"] = session.User.Name, ["chunk"] = chunk.DeepClone() });
            if (client is null || !Clients.Contains(client))
            {
                await Error(exchange, HttpStatusCode.BadRequest, $"Invalid client specified: '{client}'");
                return;
            }

            if (client != "runner" || !_options.RunnerClientEnabled)
            {
                await Error(exchange, HttpStatusCode.BadRequest, $"Client disabled: '{client}'. Add to 'netapi_enable_clients' master config option to enable.");
                return;
            }

            if (fun.Count(c => c == '.') != 1)
            {
                await Json(exchange, new JsonObject { ["return"] = new JsonArray("A command invocation error occurred: Check syntax.") });
                return;
            }

            if (!session.User.MayRun(fun))
            {
                await Error(exchange, HttpStatusCode.Unauthorized, $"Authentication failure of type \"eauth\" occurred for user {session.User.Name}.");
                return;
            }

            if (_options.RunnerDelay > TimeSpan.Zero)
            {
                await Task.Delay(_options.RunnerDelay);
            }

            var kwargs = Kwargs(chunk);
            JsonNode? result;
            switch (fun)
            {
                case "batch.status" when _options.BatchRunner && kwargs["jid"] is { } jid:
                    result = _runner.Status(Text(jid) ?? string.Empty);
                    break;
                case "batch.list_active" when _options.BatchRunner && !_options.ListActiveRaises:
                    result = _runner.ListActive();
                    break;
                case "batch.stop" when _options.BatchRunner && kwargs["jid"] is { } jid:
                    result = await _runner.StopAsync(Text(jid) ?? string.Empty, Truthy(kwargs["kill"]), _closing.Token);
                    break;
                case "batch.status" or "batch.stop" when _options.BatchRunner:
                    result = $"\nPassed invalid arguments: {fun}() missing 1 required positional argument: 'jid'\n\nUsage:\n...";
                    break;
                case var other when _standins.Has(other):
                    result = await _standins.CallAsync(other, kwargs, session.User.Name, _closing.Token);
                    break;
                default:
                    // verify_fun raises CommandExecutionError for a function the master does not have, and a runner
                    // that raises is reported the same way: a 500.
                    await Json(exchange, new JsonObject { ["status"] = 500, ["return"] = "An unexpected error occurred" }, status: HttpStatusCode.InternalServerError);
                    return;
            }

            results.Add(result);
        }

        await Json(exchange, new JsonObject { ["return"] = results });
    }

    private async Task EventsAsync(HttpExchange exchange)
    {
        if (exchange.HasQuery)
        {
            await Error(exchange, HttpStatusCode.BadRequest, "Query parameters are not allowed; send the token in the X-Auth-Token header.");
            return;
        }

        if (Authenticated(exchange) is not { } token)
        {
            await Error(exchange, HttpStatusCode.Unauthorized, "No permission -- see authorization schemes");
            return;
        }

        await using var subscriber = await _runner.Bus().SubscribeAsync(_closing.Token);
        await exchange.StartStreamAsync("text/event-stream;charset=utf-8");
        await exchange.WriteAsync("retry: 400\n"u8.ToArray());
        _master.Journal.Add("api-events-open", new JsonObject { ["user"] = _sessions.TryGetValue(token, out var s) ? s.User.Name : null });
        while (!_closing.IsCancellationRequested && _sessions.ContainsKey(token))
        {
            var masterEvent = await subscriber.WaitForAsync(_ => true, TimeSpan.FromMilliseconds(500), _closing.Token);
            ExpireSessionsWhenAsked();
            if (masterEvent is null)
            {
                continue;
            }

            var data = new JsonObject { ["tag"] = masterEvent.Tag, ["data"] = PayloadJson.ToObject(masterEvent.Data) };
            await exchange.WriteAsync(Encoding.UTF8.GetBytes($"tag: {masterEvent.Tag}\ndata: {data.ToJsonString()}\n\n"));
        }
    }

    /// <summary>The session token from the header (which wins) or the <c>session_id</c> cookie, if it names a live session.</summary>
    private string? Authenticated(HttpExchange exchange)
    {
        var token = exchange.Header("X-Auth-Token") ?? Cookie(exchange.Header("Cookie"), "session_id");
        if (token is null || !_sessions.TryGetValue(token, out var session))
        {
            return null;
        }

        if (session.Expire <= Now())
        {
            _sessions.TryRemove(token, out _);
            return null;
        }

        return token;
    }

    private void ExpireSessionsWhenAsked()
    {
        var trigger = Path.Combine(_master.Options.RootDirectory, ExpireSessionsFile);
        if (File.Exists(trigger))
        {
            _sessions.Clear();
            File.Delete(trigger);
            _master.Journal.Add("api-sessions-expired", new JsonObject());
        }
    }

    /// <summary>Keyword arguments as <c>RunnerClient._reformat_low</c> collects them: <c>kwarg</c>, top-level keys, <c>k=v</c> in <c>arg</c>.</summary>
    private static JsonObject Kwargs(JsonObject chunk)
    {
        var kwargs = new JsonObject();
        foreach (var (key, value) in chunk)
        {
            if (key is not ("client" or "fun" or "arg" or "kwarg" or "username" or "password" or "eauth" or "token" or "timeout" or "full_return"))
            {
                kwargs[key] = value?.DeepClone();
            }
        }

        if (chunk["kwarg"] is JsonObject kwarg)
        {
            foreach (var (key, value) in kwarg)
            {
                kwargs[key] = value?.DeepClone();
            }
        }

        if (chunk["arg"] is JsonArray args)
        {
            var positional = new List<JsonNode?>();
            foreach (var arg in args)
            {
                if (Text(arg) is { } text && text.Split('=', 2) is [var key, var value] && !key.Contains(' '))
                {
                    kwargs[key] = value;
                }
                else
                {
                    positional.Add(arg?.DeepClone());
                }
            }

            if (positional.Count > 0 && kwargs["jid"] is null)
            {
                kwargs["jid"] = positional[0];
            }
        }

        return kwargs;
    }

    private static JsonNode? Body(HttpExchange exchange)
    {
        var contentType = exchange.Header("Content-Type") ?? string.Empty;
        if (contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            var form = HttpUtility.ParseQueryString(exchange.BodyText);
            var json = new JsonObject();
            foreach (var key in form.AllKeys.OfType<string>())
            {
                json[key] = form[key];
            }

            return json;
        }

        try
        {
            return exchange.Body.Length == 0 ? null : JsonNode.Parse(exchange.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Cookie(string? header, string name) =>
        header?.Split(';').Select(part => part.Trim().Split('=', 2)).FirstOrDefault(pair => pair.Length == 2 && pair[0] == name)?[1];

    private static string? Text(JsonNode? node) =>
        node is JsonValue value ? value.TryGetValue<string>(out var text) ? text : value.ToJsonString() : null;

    /// <summary>Python truthiness of a JSON value: a form string <c>"false"</c> is truthy, as §2.6 warns.</summary>
    private static bool Truthy(JsonNode? node) => node switch
    {
        null => false,
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
        JsonValue value when value.TryGetValue<string>(out var text) => text.Length > 0,
        JsonValue value when value.TryGetValue<double>(out var number) => number != 0,
        _ => true,
    };

    private static Task Json(HttpExchange exchange, JsonNode body, IEnumerable<KeyValuePair<string, string>>? headers = null, HttpStatusCode status = HttpStatusCode.OK) =>
        exchange.RespondAsync(status, "application/json", body.ToJsonString(), headers);

    /// <summary>CherryPy's HTML error page: the reason is in its <c>&lt;p&gt;</c>.</summary>
    private static Task Error(HttpExchange exchange, HttpStatusCode status, string message) =>
        exchange.RespondAsync(status, "text/html;charset=utf-8",
            $"<!DOCTYPE html>\n<html><head><title>{(int)status}</title></head><body><h2>{(int)status}</h2><p>{WebUtility.HtmlEncode(message)}</p></body></html>\n",
            status == HttpStatusCode.Unauthorized ? [new("WWW-Authenticate", "Session")] : null);

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private sealed record Session(ApiUser User, string EAuth, double Expire);
}

using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using System.Text.Json.Nodes;

namespace SaltBatch.Core.Api;

/// <summary>
/// HTTP to one salt-api: one <see cref="HttpClient"/> for every call, each request bounded by the endpoint's timeout,
/// the server certificate's problems remembered for the message when TLS fails, and the status codes mapped to
/// failures. It knows nothing of sessions: <see cref="SaltApiConnection"/> gives the token.
/// </summary>
internal sealed class SaltApiTransport : IDisposable
{
    private readonly SaltApiEndpoint _endpoint;
    private readonly HttpClient _http;
    private SslPolicyErrors _lastCertificateErrors;

    public SaltApiTransport(SaltApiEndpoint endpoint)
    {
        _endpoint = endpoint;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = endpoint.RequestTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = CheckCertificate },
        };
        _http = new HttpClient(handler) { BaseAddress = BaseAddress(endpoint.Uri), Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>One request, with the session token when given; a failure to get an answer (down, refused, the certificate) is a <see cref="SaltBatchException"/>.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonNode? body, string? token, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(path == "events" ? "text/event-stream" : "application/json"));
        if (token is not null)
        {
            request.Headers.Add("X-Auth-Token", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        // For the event stream this limits only getting its headers; the stream lives as long as its reader.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_endpoint.RequestTimeout);

        try
        {
            return await _http.SendAsync(request, completion, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw SaltApiFailures.Transport(_endpoint, error, IsCertificateFailure(error) ? _lastCertificateErrors : null);
        }
    }

    public async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException error)
        {
            throw SaltApiFailures.Transport(_endpoint, error, null);
        }
    }

    /// <summary>What an unsuccessful status means for the caller (§2): refused, master down, access denied for <paramref name="user"/>, or unexpected.</summary>
    public void ThrowForStatus(HttpResponseMessage response, string text, string user, string what)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var reason = SaltApiFailures.Reason(response.StatusCode, text);
        throw response.StatusCode switch
        {
            HttpStatusCode.Forbidden => SaltApiFailures.Forbidden(_endpoint, reason),
            HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => SaltApiFailures.MasterDown(_endpoint, reason),
            HttpStatusCode.Unauthorized => SaltApiFailures.AccessDenied(_endpoint, user, what, reason),
            _ => SaltApiFailures.Unexpected(_endpoint, what, reason),
        };
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A base URI that keeps its path (root_prefix) when relative paths are resolved against it.</summary>
    private static Uri BaseAddress(Uri uri) =>
        uri.AbsolutePath.EndsWith('/') ? uri : new UriBuilder(uri) { Path = uri.AbsolutePath + "/" }.Uri;

    private bool CheckCertificate(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate, System.Security.Cryptography.X509Certificates.X509Chain? chain, SslPolicyErrors errors)
    {
        _lastCertificateErrors = errors;
        return _endpoint.SkipCertificateCheck || errors == SslPolicyErrors.None;
    }

    private static bool IsCertificateFailure(Exception error)
    {
        for (var inner = error; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }
}

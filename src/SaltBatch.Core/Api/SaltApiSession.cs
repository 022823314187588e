namespace SaltBatch.Core.Api;

/// <summary>
/// A salt-api login (§2.3): who, with which eauth, until when, and what the master's external_auth lets them do.
/// The session token is internal: it never leaves the core, so it cannot reach a property, a stream or a log.
/// </summary>
public sealed class SaltApiSession
{
    internal SaltApiSession(string token, string user, string eauth, DateTime? startUtc, DateTime? expiresUtc, IReadOnlyList<string> perms)
    {
        Token = token;
        User = user;
        EAuth = eauth;
        StartUtc = startUtc;
        ExpiresUtc = expiresUtc;
        Perms = perms;
    }

    public string User { get; }

    public string EAuth { get; }

    public DateTime? StartUtc { get; }

    public DateTime? ExpiresUtc { get; }

    /// <summary>The login's <c>perms</c>: rule strings as given, maps as <c>key: value, value</c>.</summary>
    public IReadOnlyList<string> Perms { get; }

    internal string Token { get; }

    /// <summary>Expired by the local clock (a few seconds early, so a call never starts on a token about to lapse).</summary>
    public bool IsExpired(DateTime nowUtc) => ExpiresUtc is { } expires && nowUtc >= expires - TimeSpan.FromSeconds(5);
}

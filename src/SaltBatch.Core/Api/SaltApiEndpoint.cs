namespace SaltBatch.Core.Api;

/// <summary>Where a salt-api is and how to talk to it; the credential is given separately and kept by the connection only.</summary>
public sealed record SaltApiEndpoint
{
    /// <summary>The salt-api base URI (<c>rest_cherrypy</c>'s scheme, host, port and <c>root_prefix</c>).</summary>
    public required Uri Uri { get; init; }

    /// <summary>The connection's name, carried by every result from this master.</summary>
    public required string Name { get; init; }

    /// <summary>The eauth backend the master's <c>external_auth</c> lists the user under (pam, ldap, auto, ...).</summary>
    public string EAuth { get; init; } = "pam";

    /// <summary>Accept any TLS certificate: for a self-signed salt-api certificate the user chose to trust.</summary>
    public bool SkipCertificateCheck { get; init; }

    /// <summary>Each request's limit (connecting, and waiting for the answer); the event stream has none.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

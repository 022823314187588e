using SaltBatch.Core.Api;

namespace SaltBatch;

/// <summary>
/// A salt-api login to one master (Connect-SaltMaster): pass it, or its name, to <c>-Master</c>. It shows who is
/// logged in where, until when, and what the master's external_auth allows; the password and the session token are
/// kept inside the module and are never a property.
/// </summary>
public sealed class SaltMasterConnection
{
    internal SaltMasterConnection(SaltApiConnection api)
    {
        Api = api;
        Name = api.Name;
    }

    private SaltMasterConnection(string name, bool isThisHost)
    {
        Name = name;
        IsThisHost = isThisHost;
    }

    /// <summary>The name results carry in their <c>Master</c> property, and that <c>-Master</c> accepts.</summary>
    public string Name { get; }

    public Uri? Uri => Api?.Endpoint.Uri;

    public string? User => Api?.Session?.User ?? Api?.UserName;

    public string? EAuth => Api?.Session?.EAuth ?? Api?.Endpoint.EAuth;

    /// <summary>When the session expires (UTC); it is renewed with the stored credential when it has.</summary>
    public DateTime? Expires => Api?.Session?.ExpiresUtc;

    /// <summary>The master's external_auth rules for this user, as salt-api reported them at login.</summary>
    public string[] Perms => [.. Api?.Session?.Perms ?? []];

    public bool SkipCertificateCheck => Api?.Endpoint.SkipCertificateCheck ?? false;

    /// <summary>False once Disconnect-SaltMaster logged it out, or a newer Connect-SaltMaster with the same name replaced it.</summary>
    public bool Connected => Api?.Session is not null && SaltMasters.IsCurrent(this);

    internal SaltApiConnection? Api { get; }

    /// <summary>The master on this host, read directly: what results of local reads name in their <c>Master</c> property.</summary>
    internal bool IsThisHost { get; }

    internal static SaltMasterConnection ThisHost() => new(SaltMasters.ThisHostName, isThisHost: true);

    /// <summary>A name given to <c>-Master</c> that no connection has; the cmdlet reports it where it is used.</summary>
    internal static SaltMasterConnection Unknown(string name) => new(name, isThisHost: false);

    public override string ToString() => Name;
}

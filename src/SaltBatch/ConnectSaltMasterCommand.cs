using System.Management.Automation;
using SaltBatch.Core;
using SaltBatch.Core.Api;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Logs in to a Salt master's salt-api (rest_cherrypy) with eauth, so the batch cmdlets can work on it with -Master.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "SaltMaster")]
[OutputType(typeof(SaltMasterConnection))]
public sealed class ConnectSaltMasterCommand : StoppableCmdlet
{
    /// <summary>The salt-api URI: https://host:port (rest_cherrypy's port; 8000 is usual), with its root_prefix if any.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public Uri Uri { get; set; } = null!;

    [Parameter(Mandatory = true)]
    [Credential]
    [ValidateNotNull]
    public PSCredential Credential { get; set; } = null!;

    /// <summary>The eauth backend the master's external_auth lists the user under.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string EAuth { get; set; } = "pam";

    /// <summary>The connection's name for -Master; default: the host (with the port unless it is 8000).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Accept the salt-api's TLS certificate without checking it (a self-signed certificate you trust).</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Seconds each salt-api request may take, connecting included.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 30;

    protected override void ProcessRecord()
    {
        if (!Uri.IsAbsoluteUri || Uri.Scheme is not ("https" or "http"))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"'{Uri}' is not a salt-api URI. Give the scheme, host and port, e.g. https://salt-master:8000."),
                "SaltMasterInvalidUri",
                ErrorCategory.InvalidArgument,
                Uri));
        }

        var endpoint = new SaltApiEndpoint
        {
            Uri = Uri,
            Name = Name ?? SaltMasters.DefaultName(Uri),
            EAuth = EAuth,
            SkipCertificateCheck = SkipCertificateCheck,
            RequestTimeout = TimeSpan.FromSeconds(TimeoutSec),
        };
        if (Uri.Scheme == "http")
        {
            WriteWarning($"'{Uri}' is plain HTTP: the password and the session token travel unencrypted. Use https unless this is a trusted loopback or test setup.");
        }

        var api = new SaltApiConnection(endpoint, Credential.GetNetworkCredential());
        try
        {
            WriteVerbose($"Logging in to {Uri} as '{Credential.UserName}' with eauth '{EAuth}'{(SkipCertificateCheck ? " (certificate not checked)" : string.Empty)}.");
            var session = api.LoginAsync(StopToken).GetAwaiter().GetResult();
            WriteVerbose($"Logged in as '{session.User}'; the session expires {session.ExpiresUtc:u}; perms: {(session.Perms.Count == 0 ? "none reported" : string.Join(" | ", session.Perms))}.");
        }
        catch (SaltBatchException exception)
        {
            api.Dispose();
            ThrowTerminatingError(SaltErrors.ToErrorRecord(exception, Uri));
        }
        catch (OperationCanceledException) when (StopRequested)
        {
            api.Dispose();
            return;
        }

        var connection = new SaltMasterConnection(api);
        if (SaltMasters.Add(connection) is { } replaced)
        {
            WriteVerbose($"Replaced the earlier connection named '{replaced.Name}' ({replaced.Uri}).");
            replaced.Api?.Dispose();
        }

        WriteObject(connection);
    }
}

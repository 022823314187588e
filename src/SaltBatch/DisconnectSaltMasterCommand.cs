using System.Management.Automation;
using SaltBatch.Core;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Logs out of salt-api connections and forgets them.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "SaltMaster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = MasterSet)]
[OutputType(typeof(void))]
public sealed class DisconnectSaltMasterCommand : StoppableCmdlet
{
    private const string MasterSet = "Master";
    private const string AllSet = "All";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = MasterSet)]
    [SaltMasterArgument]
    [ArgumentCompleter(typeof(SaltMasterNameCompleter))]
    public SaltMasterConnection[] Master { get; set; } = [];

    /// <summary>Every connection of this PowerShell process (its runspaces share them), as at the end of a script.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var connection in All ? SaltMasters.All : Master)
        {
            if (connection.Api is not { } api)
            {
                WriteError(new ErrorRecord(
                    new ArgumentException($"No salt-api connection named '{connection.Name}' in this PowerShell process (its runspaces share them); Get-SaltMasterConnection lists them."),
                    "SaltMasterNotConnected",
                    ErrorCategory.ObjectNotFound,
                    connection.Name));
                continue;
            }

            if (!ShouldProcess($"salt-api connection '{connection.Name}' ({connection.Uri})", "Log out"))
            {
                continue;
            }

            try
            {
                api.LogoutAsync(StopToken).GetAwaiter().GetResult();
                WriteVerbose($"Logged out of {connection.Uri} ('{connection.Name}').");
            }
            catch (SaltBatchException exception)
            {
                // The session is forgotten here either way; a salt-api that cannot be told expires it by itself.
                WriteWarning($"Could not log out of '{connection.Name}' ({exception.Message}); the connection is forgotten, and its session expires on the server by itself.");
            }
            finally
            {
                SaltMasters.Remove(connection);
                api.Dispose();
            }
        }
    }
}

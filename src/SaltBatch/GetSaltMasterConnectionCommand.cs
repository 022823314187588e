using System.Management.Automation;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Gets the salt-api connections of this PowerShell process, which all its runspaces share (made by Connect-SaltMaster).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SaltMasterConnection")]
[OutputType(typeof(SaltMasterConnection))]
public sealed class GetSaltMasterConnectionCommand : PSCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SaltMasterNameCompleter))]
    public string[]? Name { get; set; }

    protected override void EndProcessing()
    {
        var connections = SaltMasters.All;
        foreach (var name in Name ?? ["*"])
        {
            var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
            var matching = connections.Where(connection => pattern.IsMatch(connection.Name)).ToArray();
            if (matching.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException($"No salt-api connection named '{name}' in this PowerShell process (its runspaces share them); Connect-SaltMaster makes one."),
                    "SaltMasterNotConnected",
                    ErrorCategory.ObjectNotFound,
                    name));
            }

            WriteObject(matching, enumerateCollection: true);
        }
    }
}

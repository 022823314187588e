using System.Management.Automation;
using SaltBatch.Core;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Gets the summary of Salt batch jobs by JID, like <c>salt-run batch.status</c>.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SaltBatch")]
[OutputType(typeof(SaltBatchInfo))]
public sealed class GetSaltBatchCommand : SaltCmdletBase
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Jid { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var jid in Jid)
        {
            try
            {
                WriteVerbose($"Reading {Catalog.Layout.BatchStatePath(jid)} for JID {Core.Cache.Jid.Describe(jid)}.");
                WriteObject(new SaltBatchInfo(Catalog.GetSummary(jid), DateTimeOffset.UtcNow));
            }
            catch (SaltBatchException exception) when (exception.Kind != SaltFailureKind.AccessDenied)
            {
                WriteFailure(exception, jid);
            }
            catch (SaltBatchException exception)
            {
                ThrowTerminatingError(SaltErrors.ToErrorRecord(exception, jid));
            }
        }
    }
}

using System.Management.Automation;
using SaltBatch.Core.Batches;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Gets every batch in the master's active-batch index, like <c>salt-run batch.list_active</c>; on several masters at once with -Master.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SaltActiveBatch")]
[OutputType(typeof(SaltBatchInfo))]
public sealed class GetSaltActiveBatchCommand : SaltCmdletBase
{
    /// <summary>Masters reached through salt-api (Connect-SaltMaster), or their names; asked in parallel. Default: this host's master.</summary>
    [Parameter]
    [SaltMasterArgument]
    [ArgumentCompleter(typeof(SaltMasterNameCompleter))]
    public SaltMasterConnection[]? Master { get; set; }

    protected override void EndProcessing()
    {
        var masters = Masters(Master);
        WriteEachMaster(MasterFanOut.Start(masters, master => master.ListActiveAsync(Note, StopToken)), WriteEntries);
    }

    private void WriteEntries(IReadOnlyList<ActiveBatchEntry> entries, string master)
    {
        foreach (var entry in entries)
        {
            if (entry.Failure is not null)
            {
                WriteFailure(entry.Failure, entry.Jid);
            }
            else if (entry.Summary is null)
            {
                WriteVerbose($"Dropped active batch {entry.Jid} as salt-run batch.list_active does: {entry.DroppedBecause}");
            }
            else
            {
                WriteObject(new SaltBatchInfo(entry.Summary, DateTimeOffset.UtcNow, master));
            }
        }
    }
}

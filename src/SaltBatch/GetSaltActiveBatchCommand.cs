using System.Management.Automation;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Gets every batch in the master's active-batch index, like <c>salt-run batch.list_active</c>.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SaltActiveBatch")]
[OutputType(typeof(SaltBatchInfo))]
public sealed class GetSaltActiveBatchCommand : SaltCmdletBase
{
    protected override void EndProcessing()
    {
        IReadOnlyList<string> indexNotes = [];
        var entries = Guard(() => Catalog.ListActive(out indexNotes));
        foreach (var note in indexNotes)
        {
            WriteVerbose($"Skipped in {Catalog.Layout.ActiveIndexPath}: {note}.");
        }

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
                WriteObject(new SaltBatchInfo(entry.Summary, DateTimeOffset.UtcNow));
            }
        }
    }
}

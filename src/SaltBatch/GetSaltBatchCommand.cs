using System.Management.Automation;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Cache;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Gets Salt batch jobs: by JID, like <c>salt-run batch.status</c>, or every batch still in the job cache, newest first.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SaltBatch", DefaultParameterSetName = ListSet)]
[OutputType(typeof(SaltBatchInfo))]
public sealed class GetSaltBatchCommand : SaltCmdletBase
{
    public const string ByJidSet = "ByJid";
    public const string ListSet = "List";

    private const int ScanActivityId = 1;
    private const string ScanActivity = "Scanning the Salt job cache";

    [Parameter(ParameterSetName = ByJidSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CachedJidCompleter))]
    public string[] Jid { get; set; } = [];

    [Parameter(ParameterSetName = ListSet)]
    [ValidateSet(nameof(BatchRunState.Running), nameof(BatchRunState.Halted), nameof(BatchRunState.Complete))]
    public string[]? State { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Function { get; set; }

    /// <summary>The target expression as given to salt; list targets are matched joined with commas.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Target { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? User { get; set; }

    /// <summary>Only batches created after this time; local and unspecified times are the local clock.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public DateTime? After { get; set; }

    /// <summary>Only batches created before this time; local and unspecified times are the local clock.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public DateTime? Before { get; set; }

    /// <summary>
    /// Masters reached through salt-api (Connect-SaltMaster), or their names, asked in parallel. With -Jid, a JID is
    /// an error only when no master has it; the history (no -Jid) of a salt-api master comes from SaltBatch's
    /// companion runner (saltbatch.history), which must be installed there.
    /// </summary>
    [Parameter(ParameterSetName = ByJidSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ListSet)]
    [SaltMasterArgument]
    [ArgumentCompleter(typeof(SaltMasterNameCompleter))]
    public SaltMasterConnection[]? Master { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != ByJidSet)
        {
            return;
        }

        var masters = Masters(Master);
        foreach (var jid in Jid)
        {
            if (!ValidJid(jid))
            {
                continue;
            }

            AskEachMaster(
                masters,
                jid,
                master => master.GetSummaryAsync(jid, Note, StopToken),
                (summary, master) => WriteObject(new SaltBatchInfo(summary, DateTimeOffset.UtcNow, master.Name)));
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName != ListSet)
        {
            return;
        }

        var filter = new BatchHistoryFilter(State, Function, Target, User, After, Before);
        var masters = Masters(Master);
        try
        {
            WriteEachMaster(MasterFanOut.Start(masters, master => master.ListHistoryAsync(filter.Query, ReportProgress, Note, StopToken)), WriteHistory);
        }
        catch (OperationCanceledException) when (StopRequested)
        {
            // Ctrl+C: PowerShell is already ending the pipeline; there is nothing left to report.
        }
    }

    /// <summary>Entries as they come (a local scan reads as it goes); one that could not be read is its file's error.</summary>
    private void WriteHistory(IEnumerable<BatchHistoryEntry> entries, string master)
    {
        foreach (var entry in entries)
        {
            if (entry.Failure is not null)
            {
                WriteFailure(entry.Failure, entry.Path);
            }
            else
            {
                WriteObject(new SaltBatchInfo(entry.Summary!, DateTimeOffset.UtcNow, master));
            }
        }
    }

    private void ReportProgress(BatchScanProgress progress) =>
        WriteProgress(new ProgressRecord(ScanActivityId, ScanActivity, $"{progress.DirectoriesScanned} of {progress.DirectoriesTotal} directories, {progress.BatchesFound} batches found")
        {
            PercentComplete = progress.PercentComplete,
            RecordType = progress.IsComplete ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        });
}

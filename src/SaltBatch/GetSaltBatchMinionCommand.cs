using System.Management.Automation;
using SaltBatch.Core;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Cache;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Gets the minions of a Salt batch job with their state, outcome, retcode and, optionally, their return.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SaltBatchMinion")]
[OutputType(typeof(SaltBatchMinionInfo))]
public sealed class GetSaltBatchMinionCommand : SaltCmdletBase
{
    private readonly CancellationTokenSource _stopping = new();
    private BatchMinionQuery _query = BatchMinionQuery.All;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CachedJidCompleter))]
    public string Jid { get; set; } = string.Empty;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public BatchMinionState[]? State { get; set; }

    /// <summary>What became of the minions wanted: a failed state's retcode 2 is Failed although .batch.p files it under done.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public BatchMinionOutcome[]? Outcome { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Minion { get; set; }

    /// <summary>Decodes each done minion's return into <see cref="SaltBatchMinionInfo.Return"/>; without it returns are skipped unread.</summary>
    [Parameter]
    public SwitchParameter IncludeReturn { get; set; }

    /// <summary>
    /// Masters reached through salt-api (Connect-SaltMaster), or their names; a JID is an error only when no master has
    /// it. Through salt-api the minions come from SaltBatch's companion runner (saltbatch.minions); a master without it
    /// shows only the minions that returned (jobs.list_job), with a warning.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SaltMasterArgument]
    [ArgumentCompleter(typeof(SaltMasterNameCompleter))]
    public SaltMasterConnection[]? Master { get; set; }

    protected override void BeginProcessing()
    {
        var patterns = Minion?.Select(pattern => WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase)).ToArray();
        _query = new BatchMinionQuery
        {
            States = State?.ToHashSet(),
            Outcomes = Outcome?.ToHashSet(),
            MinionFilter = patterns is null ? null : minion => patterns.Any(pattern => pattern.IsMatch(minion)),
            IncludeReturn = IncludeReturn,
        };
    }

    protected override void ProcessRecord()
    {
        if (!ValidJid(Jid))
        {
            return;
        }

        var masters = Masters(Master);
        var results = MasterFanOut.Start(masters, master => master.GetMinionsAsync(Jid, _query, Note, _stopping.Token)).Select(task => task.GetAwaiter().GetResult()).ToArray();
        FlushNotes();
        foreach (var result in results)
        {
            if (result.Value is { } view)
            {
                WriteMinions(view, result.Master.Name);
            }
        }

        foreach (var failure in Reportable(results))
        {
            Report(failure);
        }
    }

    protected override void StopProcessing() => _stopping.Cancel();

    private void WriteMinions(BatchMinionView view, string master)
    {
        if (view.Limitation is { } limitation)
        {
            WriteWarning(limitation);
        }

        try
        {
            foreach (var minion in view.Minions)
            {
                if (minion.ReturnFailure is { } unreadable)
                {
                    WriteError(SaltErrors.ToErrorRecord(unreadable, minion.Minion));
                }

                WriteObject(new SaltBatchMinionInfo(Jid, minion, master));
            }
        }
        catch (SaltBatchException exception)
        {
            Report(exception);
        }
    }

    /// <summary>A file this account may not read ends the call (every other JID would fail the same way); the rest is this JID's error.</summary>
    private void Report(SaltBatchException failure)
    {
        if (failure.Kind == SaltFailureKind.AccessDenied)
        {
            ThrowTerminatingError(SaltErrors.ToErrorRecord(failure, Jid));
        }

        WriteFailure(failure, Jid);
    }
}

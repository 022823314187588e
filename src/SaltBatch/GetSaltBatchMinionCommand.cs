using System.Management.Automation;
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
    private BatchMinionQuery _query = BatchMinionQuery.All;

    /// <summary>The batches whose minions to list, one after the other.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CachedJidCompleter))]
    public string[] Jid { get; set; } = [];

    /// <summary>Only minions in these .batch.p states.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateSet(nameof(BatchMinionState.Pending), nameof(BatchMinionState.Active), nameof(BatchMinionState.Done), nameof(BatchMinionState.Failed))]
    public string[]? State { get; set; }

    /// <summary>What became of the minions wanted: a failed state's retcode 2 is Failed although .batch.p files it under done.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateSet(nameof(BatchMinionOutcome.Succeeded), nameof(BatchMinionOutcome.Failed), nameof(BatchMinionOutcome.TimedOut), nameof(BatchMinionOutcome.Running), nameof(BatchMinionOutcome.NotStarted), nameof(BatchMinionOutcome.Abandoned))]
    public string[]? Outcome { get; set; }

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
            States = State?.Select(state => Enum.Parse<BatchMinionState>(state, ignoreCase: true)).ToHashSet(),
            Outcomes = Outcome?.Select(outcome => Enum.Parse<BatchMinionOutcome>(outcome, ignoreCase: true)).ToHashSet(),
            MinionFilter = patterns is null ? null : minion => patterns.Any(pattern => pattern.IsMatch(minion)),
            IncludeReturn = IncludeReturn,
        };
    }

    protected override void ProcessRecord()
    {
        var masters = Masters(Master);
        foreach (var jid in Jid)
        {
            if (ValidJid(jid))
            {
                AskEachMaster(masters, jid, master => master.GetMinionsAsync(jid, _query, Note, StopToken), (view, master) => WriteMinions(jid, view, master.Name));
            }
        }
    }

    private void WriteMinions(string jid, BatchMinionView view, string master)
    {
        if (view.Limitation is { } limitation)
        {
            WriteWarning(limitation);
        }

        foreach (var minion in view.Minions)
        {
            if (minion.ReturnFailure is { } unreadable)
            {
                WriteError(SaltErrors.ToErrorRecord(unreadable, minion.Minion));
            }

            WriteObject(new SaltBatchMinionInfo(jid, minion, master));
        }
    }
}

using System.Management.Automation;
using SaltBatch.Core;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Bus;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Stops Salt batch jobs, like <c>salt-run batch.stop &lt;jid&gt; [kill=True]</c>, and confirms the master halted them.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "SaltBatch", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SaltBatchInfo))]
public sealed class StopSaltBatchCommand : SaltCmdletBase
{
    private readonly CancellationTokenSource _stopping = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ActiveJidCompleter))]
    public string[] Jid { get; set; } = [];

    /// <summary>Also publish saltutil.kill_job to the batch's in-flight minions before stopping it.</summary>
    [Parameter]
    public SwitchParameter Kill { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Fire and forget: do not wait for the master to confirm the halt.</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 10;

    /// <summary>Event-bus pull framing: Auto (probe once per master), or force what the master's pull side reads: Prefixed or Bare.</summary>
    /// <remarks>
    /// Text, not the engine's <see cref="PullFraming"/>: PowerShell loads every cmdlet type before the module's
    /// import hook runs, and an enum-typed property's field would pull the engine into the default load context.
    /// </remarks>
    [Parameter]
    [ValidateSet(nameof(PullFraming.Auto), nameof(PullFraming.Prefixed), nameof(PullFraming.Bare))]
    public string Framing { get; set; } = nameof(PullFraming.Auto);

    /// <summary>Masters reached through salt-api (Connect-SaltMaster), or their names; piped batches go back to the master they came from.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SaltMasterArgument]
    [ArgumentCompleter(typeof(SaltMasterNameCompleter))]
    public SaltMasterConnection[]? Master { get; set; }

    protected override void ProcessRecord()
    {
        var masters = Masters(Master);
        if (masters.Count == 0)
        {
            return;
        }

        // Framing is the local event bus's; through salt-api the master's runner fires the stop itself.
        var (framing, forcedBy) = masters.Any(master => master is LocalBatchMaster) ? ResolveFraming(Framing) : (PullFraming.Auto, null);
        var options = new StopOptions
        {
            Kill = Kill,
            Confirm = !NoWait,
            ConfirmTimeout = TimeSpan.FromSeconds(TimeoutSec),
            Framing = framing,
            FramingForcedBy = forcedBy,
        };
        foreach (var jid in Jid)
        {
            var action = Kill ? "Kill the in-flight minions (saltutil.kill_job) and stop the batch" : "Stop the batch (no new minions are dispatched)";
            var where = masters.Count == 1 && masters[0] is LocalBatchMaster ? string.Empty : $" on {string.Join(", ", masters.Select(m => m.Name))}";
            if (!ValidJid(jid) || !ShouldProcess($"Salt batch {Core.Cache.Jid.Describe(jid)}{where}", action))
            {
                continue;
            }

            var results = MasterFanOut.Start(masters, master => master.StopAsync(jid, options, Note, _stopping.Token));
            try
            {
                var outcomes = results.Select(task => task.GetAwaiter().GetResult()).ToArray();
                FlushNotes();
                foreach (var result in outcomes)
                {
                    if (result.Value is { } outcome)
                    {
                        Report(result.Master, outcome);
                    }
                }

                foreach (var failure in Reportable(outcomes))
                {
                    WriteFailure(failure, jid);
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    protected override void StopProcessing() => _stopping.Cancel();

    private void Report(IBatchMaster master, StopOutcome outcome)
    {
        if (outcome.KillFailure is { } killFailure)
        {
            // The user asked to kill: a kill that did not happen is an error, even though the stop went through.
            WriteError(SaltErrors.ToErrorRecord(killFailure, SaltErrors.KillNotPublishedId, outcome.Jid));
        }

        if (!PassThru)
        {
            return;
        }

        try
        {
            var final = outcome.FinalState ?? master.GetSummaryAsync(outcome.Jid, Note, _stopping.Token).GetAwaiter().GetResult();
            WriteObject(new SaltBatchInfo(final, DateTimeOffset.UtcNow, master.Name));
        }
        catch (SaltBatchException exception)
        {
            WriteFailure(exception, outcome.Jid);
        }

        FlushNotes();
    }
}

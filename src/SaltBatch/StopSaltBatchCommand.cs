using System.Management.Automation;
using SaltBatch.Core;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Stops Salt batch jobs, like <c>salt-run batch.stop &lt;jid&gt; [kill=True]</c>, and confirms the master halted them.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "SaltBatch", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SaltBatchInfo))]
public sealed class StopSaltBatchCommand : SaltCmdletBase
{
    // The answers "Yes to All" and "No to All" to the kill prompt hold for every batch of the call, piped ones included.
    private bool _killYesToAll;
    private bool _killNoToAll;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ActiveJidCompleter))]
    public string[] Jid { get; set; } = [];

    /// <summary>
    /// Also publish saltutil.kill_job to the batch's in-flight minions before stopping it. It ends running jobs, so it
    /// asks as a high-impact action does (unless -Force, -Confirm:$false or $ConfirmPreference = 'None').
    /// </summary>
    [Parameter]
    public SwitchParameter Kill { get; set; }

    /// <summary>Kills without asking, for scripts that run unattended.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

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
    /// Text validated against <see cref="PullFraming"/>'s names: docs/architecture.md, "Types across the engine boundary".
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
        var (framing, forcedBy) = masters.Any(master => master.FiresOnEventBus) ? ResolveFraming(Framing) : (PullFraming.Auto, null);
        var options = new StopOptions
        {
            Kill = Kill,
            Confirm = !NoWait,
            ConfirmTimeout = TimeSpan.FromSeconds(TimeoutSec),
            Framing = framing,
            FramingForcedBy = forcedBy,
        };
        var action = Kill ? "Kill the in-flight minions (saltutil.kill_job) and stop the batch" : "Stop the batch (no new minions are dispatched)";
        foreach (var jid in Jid)
        {
            if (!ValidJid(jid))
            {
                continue;
            }

            try
            {
                // Read first, so -WhatIf and the prompt describe the batch, and a finished or unknown one is told as such.
                if (Stoppable(masters, jid) is not { Count: > 0 } stoppable)
                {
                    continue;
                }

                var target = Describe(jid, stoppable);
                if (!ShouldProcess(target, action) || (Kill && !ConfirmKill(target, ref _killYesToAll, ref _killNoToAll)))
                {
                    continue;
                }

                Stop(jid, stoppable.Select(found => found.Master).ToArray(), options);
            }
            catch (OperationCanceledException) when (StopRequested)
            {
                return;
            }
        }
    }

    /// <summary>The masters on which the batch can be stopped, with its summary there; the others' refusals are written.</summary>
    private List<(BatchSummary Summary, IBatchMaster Master)> Stoppable(IReadOnlyList<IBatchMaster> masters, string jid)
    {
        var stoppable = new List<(BatchSummary, IBatchMaster)>();
        AskEachMaster(
            masters,
            jid,
            async master =>
            {
                var summary = await master.GetSummaryAsync(jid, Note, StopToken).ConfigureAwait(false);
                StopRefusal.ThrowIfNotStoppable(jid, summary, master.Mention);
                return summary;
            },
            (summary, master) => stoppable.Add((summary, master)));
        return stoppable;
    }

    private static string Describe(string jid, IReadOnlyList<(BatchSummary Summary, IBatchMaster Master)> stoppable)
    {
        var summary = stoppable[0].Summary;
        var where = string.Join(",", stoppable.Select(found => found.Master.Mention));
        return $"Salt batch {jid} ({summary.Function} on {summary.Target}: {summary.Completed}/{summary.Total} done, {summary.Active} running, {summary.Pending} pending){where}";
    }

    /// <summary>A kill ends running jobs: asked as a high-impact action is, once per batch, with Yes to All for the rest.</summary>
    private bool ConfirmKill(string target, ref bool yesToAll, ref bool noToAll)
    {
        if (Force || MyInvocation.BoundParameters.ContainsKey("Confirm") || GetVariableValue("ConfirmPreference") is ConfirmImpact.None)
        {
            return true;
        }

        try
        {
            return ShouldContinue(
                $"Kill the in-flight jobs of {target}? Their minions abort what they are running (saltutil.kill_job); without -Kill the running ones finish. Use -Force to kill without this question.",
                "Stop-SaltBatch -Kill",
                ref yesToAll,
                ref noToAll);
        }
        catch (Exception cannotAsk) when (cannotAsk is PSInvalidOperationException or System.Management.Automation.Host.HostException)
        {
            // A scheduled task cannot answer: fail loudly, with the way to say yes in advance.
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException($"Stop-SaltBatch -Kill asks before it kills running jobs, and this session cannot ask ({cannotAsk.Message.TrimEnd('.')}). Nothing was sent for {target}. To kill unattended, add -Force (or -Confirm:$false); to let the running jobs finish, stop without -Kill.", cannotAsk),
                "SaltBatchKillNotConfirmed",
                ErrorCategory.InvalidOperation,
                target));
            return false;
        }
    }

    private void Stop(string jid, IReadOnlyList<IBatchMaster> masters, StopOptions options) =>
        AskEachMaster(masters, jid, master => master.StopAsync(jid, options, Note, StopToken), (outcome, master) => Report(master, outcome));

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

        // A summary that cannot be read now is this JID's error (AskEachMaster); the stop itself went through.
        var final = outcome.FinalState ?? master.GetSummaryAsync(outcome.Jid, Note, StopToken).GetAwaiter().GetResult();
        FlushNotes();
        WriteObject(new SaltBatchInfo(final, DateTimeOffset.UtcNow, master.Name));
    }
}

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

    protected override void ProcessRecord()
    {
        var (framing, forcedBy) = ResolveFraming(Framing);
        var options = new StopOptions
        {
            Kill = Kill,
            Confirm = !NoWait,
            ConfirmTimeout = TimeSpan.FromSeconds(TimeoutSec),
            Framing = framing,
            FramingForcedBy = forcedBy,
        };
        var bus = new MasterEventBus(MasterConnections.EventBus(Config));
        foreach (var jid in Jid)
        {
            var action = Kill ? "Kill the in-flight minions (saltutil.kill_job) and stop the batch" : "Stop the batch (no new minions are dispatched)";
            if (!ShouldProcess($"Salt batch {Core.Cache.Jid.Describe(jid)}", action))
            {
                continue;
            }

            var log = new List<string>();
            var stopper = new BatchStopper(Catalog, bus, () => MasterConnections.Publisher(Config), log.Add);
            try
            {
                var outcome = stopper.StopAsync(jid, options, _stopping.Token).GetAwaiter().GetResult();
                log.ForEach(WriteVerbose);
                if (outcome.KillFailure is { } killFailure)
                {
                    WriteWarning($"Batch {jid}: saltutil.kill_job was not published ({killFailure.Message}); the batch was stopped without killing its running minions.");
                }

                if (PassThru && outcome.FinalState is { } final)
                {
                    WriteObject(new SaltBatchInfo(final, DateTimeOffset.UtcNow));
                }
                else if (PassThru)
                {
                    WriteObject(new SaltBatchInfo(Catalog.GetSummary(jid), DateTimeOffset.UtcNow));
                }
            }
            catch (SaltBatchException exception)
            {
                log.ForEach(WriteVerbose);
                WriteFailure(exception, jid);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    protected override void StopProcessing() => _stopping.Cancel();
}

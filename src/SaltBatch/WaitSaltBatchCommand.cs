using System.Management.Automation;
using SaltBatch.Core;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Bus;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Waits until Salt batch jobs are complete or halted, showing their progress, and returns their final state.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "SaltBatch", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SaltBatchInfo))]
public sealed class WaitSaltBatchCommand : SaltCmdletBase
{
    private readonly Dictionary<IBatchMaster, List<string>> _jids = [];
    private readonly Dictionary<(string Master, string Jid), int> _progressIds = [];
    private FailureBudget? _budget;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ActiveJidCompleter))]
    public string[] Jid { get; set; } = [];

    /// <summary>Seconds from the start of the wait; batches still running then are reported as SaltBatchWaitTimeout. Default: no limit.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; }

    /// <summary>
    /// The failure budget: stop a batch as soon as more than N minions, or more than P% of its minions, are
    /// unsuccessful (non-zero retcode, failed, timed out). 0 stops at the first. Without it, nothing is ever stopped.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MaxUnsuccessful { get; set; }

    /// <summary>With -MaxUnsuccessful: a batch past its budget also has its running jobs killed (Stop-SaltBatch -Kill).</summary>
    [Parameter]
    public SwitchParameter Kill { get; set; }

    /// <summary>Event-bus pull framing of a budget stop, as Stop-SaltBatch -Framing.</summary>
    [Parameter]
    [ValidateSet(nameof(PullFraming.Auto), nameof(PullFraming.Prefixed), nameof(PullFraming.Bare))]
    public string Framing { get; set; } = nameof(PullFraming.Auto);

    /// <summary>Masters reached through salt-api (Connect-SaltMaster), or their names; piped batches are followed on the master they came from.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SaltMasterArgument]
    [ArgumentCompleter(typeof(SaltMasterNameCompleter))]
    public SaltMasterConnection[]? Master { get; set; }

    // Piped batches are collected and waited for together, so each gets its own progress bar and one slow batch
    // does not hold back the output of the others.
    protected override void ProcessRecord()
    {
        foreach (var master in Masters(Master))
        {
            // One object per master (the local one is cached by the base class; salt-api ones are compared by name).
            var key = _jids.Keys.FirstOrDefault(known => known.Name.Equals(master.Name, StringComparison.OrdinalIgnoreCase)) ?? master;
            if (!_jids.TryGetValue(key, out var jids))
            {
                _jids[key] = jids = [];
            }

            jids.AddRange(Jid);
        }
    }

    protected override void BeginProcessing()
    {
        if (Kill && MaxUnsuccessful is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-Kill says how a batch past its failure budget is stopped; give -MaxUnsuccessful too (for example -MaxUnsuccessful 5%), or use Stop-SaltBatch -Kill to stop a batch now."),
                "SaltBatchInvalidArgument",
                ErrorCategory.InvalidArgument,
                null));
        }

        if (MaxUnsuccessful is not null)
        {
            try
            {
                _budget = FailureBudget.Parse(MaxUnsuccessful);
            }
            catch (SaltBatchException invalid)
            {
                ThrowTerminatingError(SaltErrors.ToErrorRecord(invalid));
            }
        }
    }

    protected override void EndProcessing()
    {
        var options = new WaitOptions
        {
            Timeout = MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : null,
            Budget = ConfirmBudget(),
            BudgetStop = _budget is null ? new StopOptions() : StopOptionsForBudget(),
        };
        var missing = new NotFoundOnEveryMaster(_jids.Count);
        try
        {
            var updates = MasterFanOut.Merge(_jids.Keys, (master, stopping) => new BatchWaiter(master, Note).WaitAsync(_jids[master], options, stopping), StopToken);
            foreach (var (master, update) in updates)
            {
                FlushNotes();
                if (!missing.HoldBack(update.Jid, update.Failure))
                {
                    Report(master, update);
                }
            }

            FlushNotes();
            foreach (var (jid, failure) in missing.NowhereFound())
            {
                WriteFailure(failure, jid);
            }
        }
        catch (OperationCanceledException) when (StopRequested)
        {
        }
    }

    /// <summary>The budget, once the user agreed that batches past it are stopped; declined (-WhatIf), batches are only waited for.</summary>
    private FailureBudget? ConfirmBudget()
    {
        if (_budget is null)
        {
            return null;
        }

        var batches = string.Join(", ", _jids.SelectMany(pair => pair.Value.Select(jid => jid + pair.Key.Mention)).Distinct());
        var stop = Kill ? "stop it and kill its running jobs" : "stop it";
        return ShouldProcess($"Salt batch {batches}", $"Wait, and {stop} once more than {_budget} of its minions are unsuccessful") ? _budget : null;
    }

    private StopOptions StopOptionsForBudget()
    {
        var (framing, forcedBy) = ResolveFraming(Framing);
        return new StopOptions { Kill = Kill, Framing = framing, FramingForcedBy = forcedBy };
    }

    private void Report(IBatchMaster master, BatchWaitUpdate update)
    {
        switch (update.Kind)
        {
            case BatchWaitUpdateKind.Progress:
                WriteProgress(ProgressFor(master, update));
                break;
            case BatchWaitUpdateKind.Finished:
                EndProgress(master, update);
                WriteObject(new SaltBatchInfo(update.Summary!, DateTimeOffset.UtcNow, master.Name));
                break;
            case BatchWaitUpdateKind.BudgetExceeded:
                EndProgress(master, update);
                var stopped = new SaltBatchInfo(update.Summary!, DateTimeOffset.UtcNow, master.Name);
                WriteObject(stopped);
                WriteFailure(update.Failure!, stopped);
                break;
            case BatchWaitUpdateKind.TimedOut:
                EndProgress(master, update);
                WriteFailure(update.Failure!, new SaltBatchInfo(update.Summary!, DateTimeOffset.UtcNow, master.Name));
                break;
            default:
                WriteFailure(update.Failure!, update.Jid);
                break;
        }
    }

    private ProgressRecord ProgressFor(IBatchMaster master, BatchWaitUpdate update)
    {
        var summary = update.Summary!;
        if (!_progressIds.TryGetValue((master.Name, update.Jid), out var id))
        {
            id = _progressIds.Count + 1;
            _progressIds[(master.Name, update.Jid)] = id;
        }

        var info = new SaltBatchInfo(summary, DateTimeOffset.UtcNow, master.Name);
        return new ProgressRecord(id, $"Salt batch {update.Jid} ({summary.Function} on {summary.Target}){master.Mention}", $"{summary.Completed}/{summary.Total} done, {summary.Active} active, {summary.Failed} failed")
        {
            PercentComplete = (int)Math.Clamp(Math.Floor(info.PercentComplete), 0, 100),
            SecondsRemaining = update.EstimatedRemaining is { } left ? (int)Math.Ceiling(left.TotalSeconds) : -1,
        };
    }

    /// <summary>Closes the batch's progress bar, if it had one (batches finished before the wait never got one).</summary>
    private void EndProgress(IBatchMaster master, BatchWaitUpdate update)
    {
        if (_progressIds.ContainsKey((master.Name, update.Jid)))
        {
            var record = ProgressFor(master, update);
            record.RecordType = ProgressRecordType.Completed;
            WriteProgress(record);
        }
    }
}

using System.Collections.Concurrent;
using System.Management.Automation;
using SaltBatch.Core;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Bus;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Waits until Salt batch jobs are complete or halted, showing their progress, and returns their final state.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "SaltBatch")]
[OutputType(typeof(SaltBatchInfo))]
public sealed class WaitSaltBatchCommand : SaltCmdletBase
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<string> _jids = [];
    private readonly Dictionary<string, int> _progressIds = new(StringComparer.Ordinal);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ActiveJidCompleter))]
    public string[] Jid { get; set; } = [];

    /// <summary>Seconds from the start of the wait; batches still running then are reported as SaltBatchWaitTimeout. Default: no limit.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; }

    // Piped batches are collected and waited for together, so each gets its own progress bar and one slow batch
    // does not hold back the output of the others.
    protected override void ProcessRecord() => _jids.AddRange(Jid);

    protected override void EndProcessing()
    {
        var notes = new ConcurrentQueue<string>();
        var master = new LocalBatchMaster(Environment.MachineName, Catalog, new MasterEventBus(MasterConnections.EventBus(Config)), () => MasterConnections.Publisher(Config));
        var waiter = new BatchWaiter(master, notes.Enqueue);
        var options = new WaitOptions { Timeout = MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : null };
        var updates = waiter.WaitAsync(_jids, options, _stopping.Token).GetAsyncEnumerator(_stopping.Token);
        try
        {
            while (updates.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                while (notes.TryDequeue(out var note))
                {
                    WriteVerbose(note);
                }

                Report(updates.Current);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            updates.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    protected override void StopProcessing() => _stopping.Cancel();

    private void Report(BatchWaitUpdate update)
    {
        switch (update.Kind)
        {
            case BatchWaitUpdateKind.Progress:
                WriteProgress(ProgressFor(update));
                break;
            case BatchWaitUpdateKind.Finished:
                EndProgress(update);
                WriteObject(new SaltBatchInfo(update.Summary!, DateTimeOffset.UtcNow));
                break;
            case BatchWaitUpdateKind.TimedOut:
                EndProgress(update);
                WriteFailure(update.Failure!, new SaltBatchInfo(update.Summary!, DateTimeOffset.UtcNow));
                break;
            case BatchWaitUpdateKind.Failed when update.Failure!.Kind == SaltFailureKind.AccessDenied:
                ThrowTerminatingError(SaltErrors.ToErrorRecord(update.Failure, update.Jid));
                break;
            default:
                WriteFailure(update.Failure!, update.Jid);
                break;
        }
    }

    private ProgressRecord ProgressFor(BatchWaitUpdate update)
    {
        var summary = update.Summary!;
        if (!_progressIds.TryGetValue(update.Jid, out var id))
        {
            id = _progressIds.Count + 1;
            _progressIds[update.Jid] = id;
        }

        var info = new SaltBatchInfo(summary, DateTimeOffset.UtcNow);
        return new ProgressRecord(id, $"Salt batch {update.Jid} ({summary.Function} on {summary.Target})", $"{summary.Completed}/{summary.Total} done, {summary.Active} active, {summary.Failed} failed")
        {
            PercentComplete = (int)Math.Clamp(Math.Floor(info.PercentComplete), 0, 100),
            SecondsRemaining = update.EstimatedRemaining is { } left ? (int)Math.Ceiling(left.TotalSeconds) : -1,
        };
    }

    /// <summary>Closes the batch's progress bar, if it had one (batches finished before the wait never got one).</summary>
    private void EndProgress(BatchWaitUpdate update)
    {
        if (_progressIds.ContainsKey(update.Jid))
        {
            var record = ProgressFor(update);
            record.RecordType = ProgressRecordType.Completed;
            WriteProgress(record);
        }
    }
}

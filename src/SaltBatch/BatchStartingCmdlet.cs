using System.Management.Automation;
using SaltBatch.Core;
using SaltBatch.Core.Batches;

namespace SaltBatch;

/// <summary>
/// What Start-SaltBatch and Restart-SaltBatch share once they know what to start: the ping, the write, the
/// <c>new</c> event, and how each outcome is told to the user.
/// </summary>
public abstract class BatchStartingCmdlet : SaltCmdletBase
{
    private readonly CancellationTokenSource _stopping = new();

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Starts one batch and writes it; a failure of the environment ends the call, any other is one error.</summary>
    /// <returns>False when the call is being stopped, so no further batch should be started.</returns>
    protected bool StartBatch(StartOptions options, object? errorTarget)
    {
        var log = new List<string>();
        var starter = new BatchStarter(
            Catalog.Layout,
            Config.User,
            Config.GatherJobTimeout,
            MasterConnections.Bus(Config),
            () => MasterConnections.Publisher(Config),
            log.Add);
        try
        {
            var outcome = starter.StartAsync(options, _stopping.Token).GetAwaiter().GetResult();
            if (_stopping.IsCancellationRequested)
            {
                // Stopped after the commit point: the batch runs, but a stopping pipeline takes no output, so the
                // host's own UI is the one way left to tell the user which batch they now have.
                Host.UI.WriteWarningLine(StartedDespiteStop(outcome));
                return false;
            }

            log.ForEach(WriteVerbose);
            foreach (var down in outcome.Ping.Down)
            {
                WriteWarning($"Minion {down} did not respond. No job will be sent.");
            }

            foreach (var unknown in outcome.Ping.Missing)
            {
                WriteWarning($"Minion {unknown} has no accepted key on the master. No job will be sent.");
            }

            if (outcome.NewEventFailure is { } failure)
            {
                WriteWarning($"Batch {outcome.Jid} is written, but salt/batch/{outcome.Jid}/new could not be fired ({failure.Message}); the master's BatchManager adopts it from the active index on its next tick.");
            }

            WriteObject(new SaltBatchInfo(outcome.State.ToSummary(), DateTimeOffset.UtcNow, SaltMasters.ThisHostName));
            return true;
        }
        catch (SaltBatchException exception)
        {
            log.ForEach(WriteVerbose);
            var record = SaltErrors.ToErrorRecord(exception, errorTarget);
            if (exception.Kind is SaltFailureKind.MasterUnreachable or SaltFailureKind.AccessDenied or SaltFailureKind.ConfigInvalid or SaltFailureKind.CacheUnavailable or SaltFailureKind.CacheWriteFailed)
            {
                ThrowTerminatingError(record);
            }

            WriteError(record);
            return true;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return false;
        }
    }

    private string StartedDespiteStop(StartOutcome outcome) =>
        $"{MyInvocation.MyCommand.Name} was stopped after batch {outcome.Jid} was written: the master's BatchManager runs it " +
        $"({outcome.State.Minions.Count} minion(s), {outcome.State.BatchSize} at a time, {outcome.State.Function}). " +
        $"Stop-SaltBatch -Jid {outcome.Jid} stops it; Get-SaltBatch -Jid {outcome.Jid} shows it.";
}

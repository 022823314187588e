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
    /// <summary>Starts one batch on one master; its failure is that master's non-terminating error (the module's one rule).</summary>
    /// <returns>False when the call is being stopped, so no further batch should be started.</returns>
    protected bool StartBatch(IBatchMaster master, StartOptions options, object? errorTarget)
    {
        try
        {
            var outcome = WhileShowingProgress(master, options);
            if (StopRequested)
            {
                // Stopped after the commit point: the batch runs, but a stopping pipeline takes no output, so the
                // host's own UI is the one way left to tell the user which batch they now have.
                Host.UI.WriteWarningLine(StartedDespiteStop(outcome));
                return false;
            }

            foreach (var down in outcome.Down)
            {
                WriteWarning($"Minion {down} did not respond. No job will be sent.");
            }

            foreach (var unknown in outcome.Missing)
            {
                WriteWarning($"Minion {unknown} has no accepted key on the master. No job will be sent.");
            }

            if (outcome.NewEventFailure is { } failure)
            {
                WriteWarning($"Batch {outcome.Jid} is written, but {BatchEvents.NewTag(outcome.Jid)} could not be fired ({failure.Message}); the master's BatchManager adopts it from the active index on its next tick.");
            }

            WriteObject(new SaltBatchInfo(outcome.Summary, DateTimeOffset.UtcNow, master.Name));
            return true;
        }
        catch (SaltBatchException exception)
        {
            FlushNotes();
            WriteError(SaltErrors.ToErrorRecord(exception, errorTarget));
            return true;
        }
        catch (OperationCanceledException) when (StopRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// The start runs in the background while the pipeline thread writes its verbose lines as they come and a
    /// progress bar of the ping's answers; nothing is written once the call is being stopped.
    /// </summary>
    private StartedBatch WhileShowingProgress(IBatchMaster master, StartOptions options)
    {
        PingProgress? latest = null;
        var start = Task.Run(() => master.StartAsync(options, Note, progress => Volatile.Write(ref latest, progress), StopToken));
        var activity = $"Pinging {options.Target} on '{master.Name}'";
        ProgressRecord? shown = null;
        while (true)
        {
            var finished = ((IAsyncResult)start).AsyncWaitHandle.WaitOne(ProgressInterval);
            if (StopRequested)
            {
                break;
            }

            FlushNotes();
            if (Volatile.Read(ref latest) is { } ping)
            {
                // A record each time: the host may keep the ones it was given.
                shown = new ProgressRecord(ActivityId(master), activity, $"{ping.Answered} of {ping.Announced} announced minion(s) answered (job {ping.Jid})")
                {
                    PercentComplete = ping.Announced == 0 ? 100 : ping.Answered * 100 / ping.Announced,
                    SecondsRemaining = (int)Math.Max(0, Math.Ceiling((ping.Timeout - ping.Elapsed).TotalSeconds)),
                };
                WriteProgress(shown);
            }

            if (finished)
            {
                break;
            }
        }

        if (!StopRequested && shown is not null)
        {
            WriteProgress(new ProgressRecord(shown.ActivityId, activity, shown.StatusDescription) { RecordType = ProgressRecordType.Completed });
        }

        return start.GetAwaiter().GetResult();
    }

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    private static int ActivityId(IBatchMaster master) => (master.Name.GetHashCode() & 0x3FFFFFFF) | 1;

    private string StartedDespiteStop(StartedBatch outcome) =>
        $"{MyInvocation.MyCommand.Name} was stopped after batch {outcome.Jid} was written: the master's BatchManager runs it " +
        $"({outcome.Summary.Total} minion(s), {outcome.Summary.BatchSize} at a time, {outcome.Summary.Function}). " +
        $"Stop-SaltBatch -Jid {outcome.Jid} stops it; Get-SaltBatch -Jid {outcome.Jid} shows it.";
}

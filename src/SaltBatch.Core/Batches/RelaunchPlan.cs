using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// A new batch made from an earlier one: its launch parameters, on the minions of the outcomes chosen — what AWX
/// calls "relaunch on failed hosts". Minions still pending or running in a batch that still runs are never chosen:
/// its BatchManager dispatches or waits for them, and a relaunch would run them twice.
/// </summary>
public sealed record RelaunchPlan(BatchSummary Source, BatchLaunch Launch, IReadOnlyList<string> Minions, IReadOnlyList<string> LeftRunning)
{
    /// <summary>The outcomes a batch still running has not settled: a relaunch of them would run those minions twice.</summary>
    public static readonly IReadOnlySet<BatchMinionOutcome> Unsettled = new HashSet<BatchMinionOutcome> { BatchMinionOutcome.Running, BatchMinionOutcome.NotStarted };

    /// <param name="outcomes">The outcomes to relaunch.</param>
    /// <param name="outcomesChosen">
    /// False when <paramref name="outcomes"/> is a default: minions of a running batch that are still unsettled are
    /// then left out (and named in <see cref="LeftRunning"/>) instead of refusing the relaunch.
    /// </param>
    /// <param name="minionFilter">Which minion ids may be relaunched; null for all.</param>
    /// <exception cref="SaltBatchException">
    /// InvalidJid, NotFound, Corrupt, AccessDenied; StillRunning when a running batch's pending or active minions were
    /// asked for; through salt-api, the companion runner's refusals (SaltApiRunnerNotInstalled without it).
    /// </exception>
    public static async Task<RelaunchPlan> ForAsync(IBatchMaster master, string jid, IReadOnlySet<BatchMinionOutcome> outcomes, bool outcomesChosen, Func<string, bool>? minionFilter, Action<string> log, CancellationToken cancellationToken)
    {
        var source = await master.GetSummaryAsync(jid, log, cancellationToken).ConfigureAwait(false);
        var launch = await master.GetLaunchAsync(jid, log, cancellationToken).ConfigureAwait(false);
        var wanted = outcomes;
        if (!source.IsFinished && outcomes.Overlaps(Unsettled))
        {
            if (outcomesChosen)
            {
                throw new SaltBatchException(
                    SaltFailureKind.StillRunning,
                    $"Batch {jid} is still running ({source.Pending} pending, {source.Active} active): its BatchManager still dispatches its pending minions and waits for its active ones, so relaunching {string.Join(" or ", outcomes.Intersect(Unsettled))} minions would run them twice. Stop it first (Stop-SaltBatch -Jid {jid}), wait for it (Wait-SaltBatch -Jid {jid}), or relaunch only -Outcome Failed, TimedOut.",
                    jid);
            }

            wanted = outcomes.Except(Unsettled).ToHashSet();
        }

        var view = await master.GetMinionsAsync(jid, new BatchMinionQuery { Outcomes = outcomes, MinionFilter = minionFilter }, log, cancellationToken).ConfigureAwait(false);
        var chosen = new List<string>();
        var leftRunning = new List<string>();
        foreach (var minion in view.Minions)
        {
            (wanted.Contains(minion.Outcome!.Value) ? chosen : leftRunning).Add(minion.Minion);
        }

        return new RelaunchPlan(source, launch, chosen, leftRunning);
    }

    /// <summary>The new batch as the earlier one was launched, on a list target of exactly <see cref="Minions"/>.</summary>
    /// <exception cref="SaltBatchException">InvalidArgument when the earlier state lacks a function or batch size to repeat.</exception>
    public StartOptions ToStartOptions(TimeSpan? pingTimeout) => new()
    {
        Target = BatchTarget.Create(Minions, "list", isList: true),
        Function = string.IsNullOrWhiteSpace(Launch.Function) ? throw Missing("function (fun)", "-Function") : Launch.Function,
        Arguments = Launch.Arguments,
        KeywordArguments = Launch.KeywordArguments,
        BatchSize = Launch.BatchSize is { } size ? BatchSizeSpec.Of(size) : throw Missing("batch size (batch_size)", "-BatchSize"),
        BatchWait = Launch.BatchWait,
        FailHard = Launch.FailHard,
        TimeoutSeconds = Launch.Timeout is { } timeout && timeout >= 1 && timeout <= int.MaxValue ? (int)Math.Ceiling(timeout) : StartOptions.DefaultTimeoutSeconds,
        PingTimeout = pingTimeout,
        Returner = Launch.Returner,
        RelaunchOf = Source.Jid,
    };

    private SaltBatchException Missing(string what, string parameter) => new(
        SaltFailureKind.InvalidArgument,
        $"Batch {Source.Jid} has no {what} in its state to repeat; give {parameter}.",
        Source.Jid);
}

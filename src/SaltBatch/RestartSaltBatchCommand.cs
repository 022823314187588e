using System.Collections;
using System.Management.Automation;
using SaltBatch.Core;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Starts a Salt batch again on the minions of an earlier one that did not succeed (or that a halt left undone), with its original function, arguments and settings.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Restart, "SaltBatch", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SaltBatchInfo))]
public sealed class RestartSaltBatchCommand : BatchStartingCmdlet
{
    /// <summary>What <c>-Outcome All</c> stands for: every outcome a minion can have.</summary>
    private const string AllOutcomes = "All";

    private static readonly IReadOnlySet<BatchMinionOutcome> Unsuccessful = new HashSet<BatchMinionOutcome> { BatchMinionOutcome.Failed, BatchMinionOutcome.TimedOut };

    /// <summary>Per master and JID, in the order met: the minion patterns piped or given for it, or null for every minion.</summary>
    private readonly List<(IBatchMaster Master, string Jid, List<string>? Minions)> _requests = [];

    /// <summary>The earlier batches; each one makes one new batch.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CachedJidCompleter))]
    public string[] Jid { get; set; } = [];

    /// <summary>Whose minions to start again: Failed and TimedOut by default; NotStarted and Abandoned resume a halted batch; All.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateSet(nameof(BatchMinionOutcome.Failed), nameof(BatchMinionOutcome.TimedOut), nameof(BatchMinionOutcome.NotStarted), nameof(BatchMinionOutcome.Abandoned), nameof(BatchMinionOutcome.Succeeded), AllOutcomes)]
    public string[]? Outcome { get; set; }

    /// <summary>Only these minions (wildcards allowed); piped Get-SaltBatchMinion objects bind here. Without -Outcome, named minions are restarted whatever their outcome.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Minion { get; set; }

    /// <summary>Overrides the earlier batch's function.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("Fun")]
    public string? Function { get; set; }

    /// <summary>Overrides the earlier batch's positional arguments.</summary>
    [Parameter]
    [Alias("Arg", "Args")]
    public object[]? ArgumentList { get; set; }

    /// <summary>Overrides the earlier batch's keyword arguments (all of them; an empty table sends none).</summary>
    [Parameter]
    [Alias("Kwarg")]
    public Hashtable? KeywordArgument { get; set; }

    /// <summary>Overrides the earlier batch's size: N minions at a time, or P% of the minions that answer the ping.</summary>
    [Parameter]
    [ValidateBatchSize]
    [Alias("Batch")]
    public string? BatchSize { get; set; }

    /// <summary>Seconds to wait after a minion finishes before its slot is reused (Salt's --batch-wait).</summary>
    [Parameter]
    [ValidateRange(0.0, 86400.0)]
    [Alias("BatchWait")]
    public double BatchWaitSec { get; set; }

    /// <summary>Overrides the earlier batch's failhard; -FailHard:$false turns it off.</summary>
    [Parameter]
    public SwitchParameter FailHard { get; set; }

    /// <summary>Overrides the earlier batch's per-minion job timeout in seconds (Salt's -t/--timeout).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    [Alias("Timeout")]
    public int JobTimeoutSec { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int PingTimeoutSec { get; set; }

    /// <summary>Overrides the earlier batch's returner; an empty string sends none.</summary>
    [Parameter]
    [ValidateNotNull]
    [Alias("Return", "Ret")]
    public string? Returner { get; set; }

    /// <remarks>Text validated against <see cref="PullFraming"/>'s names: docs/architecture.md, "Types across the engine boundary".</remarks>
    [Parameter]
    [ValidateSet(nameof(PullFraming.Auto), nameof(PullFraming.Prefixed), nameof(PullFraming.Bare))]
    public string Framing { get; set; } = nameof(PullFraming.Auto);

    /// <summary>The master the earlier batch is on: this host's by default; through salt-api, the companion runner's launch, minions and start.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SaltMasterArgument]
    [ArgumentCompleter(typeof(SaltMasterNameCompleter))]
    public SaltMasterConnection[]? Master { get; set; }

    protected override void ProcessRecord()
    {
        var masters = Masters(Master);
        foreach (var jid in Jid)
        {
            if (!ValidJid(jid))
            {
                continue;
            }

            foreach (var master in masters)
            {
                Collect(master, jid);
            }
        }
    }

    private void Collect(IBatchMaster master, string jid)
    {
        var index = _requests.FindIndex(request => request.Jid == jid && string.Equals(request.Master.Name, master.Name, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            _requests.Add((master, jid, Minion is null ? null : [.. Minion]));
        }
        else if (_requests[index].Minions is { } minions)
        {
            if (Minion is null)
            {
                _requests[index] = (master, jid, null);
            }
            else
            {
                minions.AddRange(Minion);
            }
        }
    }

    protected override void EndProcessing()
    {
        var (framing, _) = ResolveFraming(Framing);
        var notFound = new NotFoundOnEveryMaster(_requests.Select(request => request.Master.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var (master, jid, minions) in _requests)
        {
            if (!Restart(master, jid, minions, framing, notFound))
            {
                return;
            }
        }

        foreach (var (jid, failure) in notFound.NowhereFound())
        {
            WriteFailure(failure, jid);
        }
    }

    /// <returns>False when the call is being stopped.</returns>
    /// <param name="notFound">A JID asked of several masters lives on one: "not found" is an error only when none has it.</param>
    private bool Restart(IBatchMaster master, string jid, List<string>? minions, PullFraming framing, NotFoundOnEveryMaster notFound)
    {
        var outcomes = OutcomesWanted(minions is not null);
        var patterns = minions?.Distinct(StringComparer.Ordinal).Select(pattern => WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase)).ToArray();
        WriteVerbose($"Reading the launch parameters and {Describe(outcomes)} minions of batch {jid} on '{master.Name}' ({master.Location}).");
        var plan = Attempt(jid, () => RelaunchPlan.ForAsync(master, jid, outcomes, Outcome is not null, patterns is null ? null : minion => patterns.Any(pattern => pattern.IsMatch(minion)), Note, StopToken).GetAwaiter().GetResult(), notFound);
        FlushNotes();
        if (plan is null)
        {
            return !StopRequested;
        }

        if (plan.LeftRunning.Count > 0)
        {
            WriteWarning($"Batch {jid} is still running: {Names(plan.LeftRunning)} are pending or running there and are not restarted.");
        }

        foreach (var missing in (minions ?? []).Where(name => !WildcardPattern.ContainsWildcardCharacters(name) && !plan.Minions.Contains(name, StringComparer.OrdinalIgnoreCase) && !plan.LeftRunning.Contains(name, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal))
        {
            WriteWarning($"Minion {missing} is not a {Describe(outcomes)} minion of batch {jid}; it is not restarted.");
        }

        if (plan.Minions.Count == 0)
        {
            WriteWarning($"Batch {jid} has no {Describe(outcomes)} minions{(patterns is null ? string.Empty : $" matching {string.Join(", ", minions!)}")}: nothing to restart.");
            return true;
        }

        if (Attempt(jid, () => WithOverrides(plan.ToStartOptions(PingTimeout()), framing)) is not { } options)
        {
            return true;
        }

        if (!ShouldProcess(
            $"{plan.Minions.Count} minion(s) of batch {jid}: {Names(plan.Minions)}",
            $"Start a new batch of {options.Function}, {options.BatchSize} at a time"))
        {
            return true;
        }

        return StartBatch(master, options, jid);
    }

    /// <summary>One step for one batch: its failure is that batch's error (a "not found" held back by <paramref name="notFound"/>), and the others go on.</summary>
    private T? Attempt<T>(string jid, Func<T> step, NotFoundOnEveryMaster? notFound = null)
        where T : class
    {
        try
        {
            var result = step();
            notFound?.HoldBack(jid, null);
            return result;
        }
        catch (SaltBatchException exception)
        {
            if (notFound?.HoldBack(jid, exception) != true)
            {
                WriteFailure(exception, jid);
            }

            return null;
        }
        catch (OperationCanceledException) when (StopRequested)
        {
            return null;
        }
    }

    private IReadOnlySet<BatchMinionOutcome> OutcomesWanted(bool minionsNamed)
    {
        if (Outcome is null)
        {
            return minionsNamed ? Enum.GetValues<BatchMinionOutcome>().ToHashSet() : Unsuccessful;
        }

        return Outcome.Contains(AllOutcomes, StringComparer.OrdinalIgnoreCase)
            ? Enum.GetValues<BatchMinionOutcome>().ToHashSet()
            : Outcome.Select(outcome => Enum.Parse<BatchMinionOutcome>(outcome, ignoreCase: true)).ToHashSet();
    }

    /// <summary>-PingTimeoutSec, or null for the master's own <c>timeout</c>.</summary>
    private TimeSpan? PingTimeout() =>
        MyInvocation.BoundParameters.ContainsKey(nameof(PingTimeoutSec)) ? TimeSpan.FromSeconds(PingTimeoutSec) : null;

    /// <summary>The earlier batch's parameters, with whatever was given on the command line in their place.</summary>
    private StartOptions WithOverrides(StartOptions original, PullFraming framing)
    {
        var bound = MyInvocation.BoundParameters;
        try
        {
            return original with
            {
                Function = Function?.Trim() ?? original.Function,
                Arguments = ArgumentList is null ? original.Arguments : ArgumentList.Select(value => PowerShellValues.ToPayload(value, "-ArgumentList")).ToArray(),
                KeywordArguments = KeywordArgument is null
                    ? original.KeywordArguments
                    : PowerShellValues.ToKeywordArguments(KeywordArgument, "-KeywordArgument"),
                BatchSize = BatchSize is null ? original.BatchSize : BatchSizeSpec.Parse(BatchSize),
                BatchWait = bound.ContainsKey(nameof(BatchWaitSec)) ? BatchWaitSec : original.BatchWait,
                FailHard = bound.ContainsKey(nameof(FailHard)) ? FailHard.IsPresent : original.FailHard,
                TimeoutSeconds = bound.ContainsKey(nameof(JobTimeoutSec)) ? JobTimeoutSec : original.TimeoutSeconds,
                Returner = Returner ?? original.Returner,
                Framing = framing,
            };
        }
        catch (ArgumentException invalid)
        {
            throw new SaltBatchException(SaltFailureKind.InvalidArgument, invalid.Message, null, invalid);
        }
    }

    private static string Describe(IReadOnlySet<BatchMinionOutcome> outcomes) =>
        outcomes.Count == Enum.GetValues<BatchMinionOutcome>().Length ? "any" : string.Join(" or ", outcomes.Order());

    /// <summary>The ids as a confirmation prompt can show them: all of a few, the first of many.</summary>
    private static string Names(IReadOnlyList<string> minions) =>
        minions.Count <= 20 ? string.Join(", ", minions) : $"{string.Join(", ", minions.Take(20))} and {minions.Count - 20} more";
}

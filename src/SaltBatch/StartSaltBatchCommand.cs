using System.Collections;
using System.Management.Automation;
using SaltBatch.Core;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Bus;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Starts a Salt batch job driven by the master, like <c>salt &lt;target&gt; &lt;function&gt; -b N --async</c>, and returns it.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "SaltBatch", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = TargetSet)]
[OutputType(typeof(SaltBatchInfo))]
public sealed class StartSaltBatchCommand : BatchStartingCmdlet
{
    private const string TargetSet = "Target";
    private const string MinionSet = "Minion";

    private readonly List<string> _targets = [];

    /// <summary>The -TargetType of each piped record that had one (a piped SaltBatchInfo's), to keep it.</summary>
    private readonly HashSet<string> _pipedTargetTypes = new(StringComparer.Ordinal);

    /// <summary>
    /// A glob (or an expression of -TargetType), or minion ids; several make one list target. Piped strings, and the
    /// Target of a piped batch (with its TargetType), are targets as given: 'web*' stays a glob.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = TargetSet)]
    [Alias("Tgt")]
    [AllowEmptyCollection]
    public string[] Target { get; set; } = [];

    /// <summary>Minion ids, such as the Minion property of piped Get-SaltBatchMinion objects: all of them make one list target.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = MinionSet)]
    [AllowEmptyCollection]
    public string[] Minion { get; set; } = [];

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    [Alias("Fun")]
    public string Function { get; set; } = string.Empty;

    [Parameter]
    [Alias("Arg", "Args")]
    public object[] ArgumentList { get; set; } = [];

    [Parameter]
    [Alias("Kwarg")]
    public Hashtable? KeywordArgument { get; set; }

    /// <summary>N minions at a time, or P% of the minions that answered the ping.</summary>
    [Parameter(Mandatory = true)]
    [ValidateBatchSize]
    [Alias("Batch")]
    public string BatchSize { get; set; } = string.Empty;

    /// <summary>How Salt reads the target (glob by default for one, list for several); a piped batch's own binds here.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateTargetType]
    [ArgumentCompleter(typeof(TargetTypeCompleter))]
    public string? TargetType { get; set; }

    /// <summary>Seconds to wait after a minion finishes before its slot is reused (Salt's --batch-wait).</summary>
    [Parameter]
    [ValidateRange(0.0, 86400.0)]
    [Alias("BatchWait")]
    public double BatchWaitSec { get; set; }

    [Parameter]
    public SwitchParameter FailHard { get; set; }

    /// <summary>Seconds each minion may run the job before the BatchManager counts it timed out (Salt's -t/--timeout).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    [Alias("Timeout")]
    public int JobTimeoutSec { get; set; } = StartOptions.DefaultTimeoutSeconds;

    [Parameter]
    [ValidateRange(1, 3600)]
    public int PingTimeoutSec { get; set; }

    /// <summary>A returner for the job's returns (Salt's --return).</summary>
    [Parameter]
    [ValidateNotNull]
    [Alias("Return", "Ret")]
    public string Returner { get; set; } = string.Empty;

    /// <summary>Event-bus pull framing of the new event: Auto (probe once per master), or force Prefixed or Bare.</summary>
    /// <remarks>Text validated against <see cref="PullFraming"/>'s names: docs/architecture.md, "Types across the engine boundary".</remarks>
    [Parameter]
    [ValidateSet(nameof(PullFraming.Auto), nameof(PullFraming.Prefixed), nameof(PullFraming.Bare))]
    public string Framing { get; set; } = nameof(PullFraming.Auto);

    /// <summary>The masters to start it on: this host's by default; through salt-api, the companion runner's saltbatch.start starts it.</summary>
    [Parameter]
    [SaltMasterArgument]
    [ArgumentCompleter(typeof(SaltMasterNameCompleter))]
    public SaltMasterConnection[]? Master { get; set; }

    protected override void ProcessRecord()
    {
        _targets.AddRange(ParameterSetName == MinionSet ? Minion : Target);
        if (MyInvocation.ExpectingInput && TargetType is { } pipedType)
        {
            _pipedTargetTypes.Add(pipedType);
        }
    }

    protected override void EndProcessing()
    {
        var options = BuildOptions();
        var pingWait = options.PingTimeout is { } pingTimeout ? $"{pingTimeout.TotalSeconds}s" : "the master's timeout";
        foreach (var master in Masters(Master))
        {
            if (ShouldProcess(
                    $"Salt minions of {options.Target} on '{master.Name}' that answer test.ping within {pingWait}",
                    $"Start a batch of {options.Function}, {options.BatchSize} at a time")
                && !StartBatch(master, options, errorTarget: master.Name))
            {
                return;
            }
        }
    }

    /// <summary>The one target type of the call, whether given or bound from each piped batch.</summary>
    private string? TargetTypeGiven()
    {
        if (!MyInvocation.ExpectingInput)
        {
            return TargetType;
        }

        return _pipedTargetTypes.Count switch
        {
            0 => null,
            1 => _pipedTargetTypes.First(),
            _ => throw new SaltBatchException(
                SaltFailureKind.InvalidArgument,
                $"The piped targets ({string.Join(", ", _targets)}) have different target types ({string.Join(", ", _pipedTargetTypes)}): a batch has one target. Pipe batches of one target type, or minion ids (Get-SaltBatchMinion) for a list target.",
                null),
        };
    }

    /// <summary>Everything PowerShell could not check while binding; a mistake here ends the call before anything is sent.</summary>
    private StartOptions BuildOptions()
    {
        try
        {
            if (string.IsNullOrWhiteSpace(Function))
            {
                throw new SaltBatchException(SaltFailureKind.InvalidArgument, "-Function needs a Salt function name, such as state.apply or test.ping.", Function);
            }

            return new StartOptions
            {
                Target = BatchTarget.Create(_targets, TargetTypeGiven(), isList: ParameterSetName == MinionSet),
                Function = Function.Trim(),
                Arguments = ArgumentList.Select(value => PowerShellValues.ToPayload(value, "-ArgumentList")).ToArray(),
                KeywordArguments = KeywordArgument is null
                    ? []
                    : PowerShellValues.ToKeywordArguments(KeywordArgument, "-KeywordArgument"),
                BatchSize = BatchSizeSpec.Parse(BatchSize),
                BatchWait = BatchWaitSec,
                FailHard = FailHard,
                TimeoutSeconds = JobTimeoutSec,
                PingTimeout = MyInvocation.BoundParameters.ContainsKey(nameof(PingTimeoutSec)) ? TimeSpan.FromSeconds(PingTimeoutSec) : null,
                Returner = Returner,
                Framing = ResolveFraming(Framing).Framing,
            };
        }
        catch (SaltBatchException invalid)
        {
            ThrowTerminatingError(SaltErrors.ToErrorRecord(invalid));
            throw;
        }
        catch (ArgumentException invalid)
        {
            ThrowTerminatingError(new ErrorRecord(invalid, "SaltBatchInvalidArgument", ErrorCategory.InvalidArgument, null));
            throw;
        }
    }
}

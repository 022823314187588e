using System.Management.Automation;
using SaltBatch.Core;
using SaltBatch.Core.Cache;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Gets the minions of a Salt batch job with their state, outcome, retcode and, optionally, their return.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SaltBatchMinion")]
[OutputType(typeof(SaltBatchMinionInfo))]
public sealed class GetSaltBatchMinionCommand : SaltCmdletBase
{
    private BatchMinionQuery _query = BatchMinionQuery.All;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CachedJidCompleter))]
    public string Jid { get; set; } = string.Empty;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public BatchMinionState[]? State { get; set; }

    /// <summary>What became of the minions wanted: a failed state's retcode 2 is Failed although .batch.p files it under done.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public BatchMinionOutcome[]? Outcome { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Minion { get; set; }

    /// <summary>Decodes each done minion's return into <see cref="SaltBatchMinionInfo.Return"/>; without it returns are skipped unread.</summary>
    [Parameter]
    public SwitchParameter IncludeReturn { get; set; }

    /// <summary>Only this host's master: salt-api has no per-minion view, so a salt-api connection is refused with a clear error.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SaltMasterArgument]
    [ArgumentCompleter(typeof(SaltMasterNameCompleter))]
    public SaltMasterConnection[]? Master { get; set; }

    protected override void BeginProcessing()
    {
        var patterns = Minion?.Select(pattern => WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase)).ToArray();
        _query = new BatchMinionQuery
        {
            States = State?.ToHashSet(),
            Outcomes = Outcome?.ToHashSet(),
            MinionFilter = patterns is null ? null : minion => patterns.Any(pattern => pattern.IsMatch(minion)),
            IncludeReturn = IncludeReturn,
        };
    }

    protected override void ProcessRecord()
    {
        RequireThisHost(Master, "Per-minion detail (Get-SaltBatchMinion)");
        try
        {
            WriteVerbose($"Reading {Catalog.Layout.BatchStatePath(Jid)} for JID {Core.Cache.Jid.Describe(Jid)}.");
            foreach (var minion in Catalog.GetMinions(Jid, _query))
            {
                if (minion.ReturnFailure is { } unreadable)
                {
                    WriteError(SaltErrors.ToErrorRecord(unreadable, minion.Minion));
                }

                WriteObject(new SaltBatchMinionInfo(Jid, minion));
            }
        }
        catch (SaltBatchException exception) when (exception.Kind != SaltFailureKind.AccessDenied)
        {
            WriteFailure(exception, Jid);
        }
        catch (SaltBatchException exception)
        {
            ThrowTerminatingError(SaltErrors.ToErrorRecord(exception, Jid));
        }
    }
}

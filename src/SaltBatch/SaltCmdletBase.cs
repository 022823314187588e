using System.Management.Automation;
using SaltBatch.Core;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Config;

namespace SaltBatch;

/// <summary>
/// What every SaltBatch cmdlet shares: where the master is (-ConfigPath, -CacheDir for this host's master; salt-api
/// connections for others), resolved once per call and only when needed, and how core failures become errors. A
/// broken environment ends the call; a bad item is one error and the call goes on.
/// </summary>
public abstract class SaltCmdletBase : StoppableCmdlet
{
    private readonly NoteQueue _notes = new();
    private readonly MasterSelection _selection;
    private MasterConfig? _config;
    private LocalBatchMaster? _localMaster;

    protected SaltCmdletBase()
    {
        _selection = new MasterSelection(() => LocalMaster);
    }

    /// <summary>The master config file (default: $env:SALT_MASTER_CONFIG, else /etc/salt/master); a directory means DIR/master.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <summary>The master's cachedir, overriding the config.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CacheDir { get; set; }

    /// <summary>This host's master configuration, read (and checked) on first use: a call that only talks to salt-api never needs it.</summary>
    protected MasterConfig Config => _config ?? ResolveLocal();

    /// <summary>The master on this host, as one of the masters a cmdlet can work on; a hash_type the layout does not know ends the call.</summary>
    private LocalBatchMaster LocalMaster => _localMaster ?? BuildLocalMaster(Config);

    /// <summary>Whether the cmdlet reads the job cache (and so needs it to exist and be enterable).</summary>
    protected virtual bool NeedsCache => true;

    /// <summary>A queue the core's background work logs to; <see cref="FlushNotes"/> writes it on the pipeline thread.</summary>
    protected Action<string> Note => _notes.Add;

    protected void FlushNotes() => _notes.WriteTo(WriteVerbose);

    protected void WriteFailure(SaltBatchException exception, object? target = null) =>
        WriteError(SaltErrors.ToErrorRecord(exception, target));

    /// <summary>The masters a -Master value names (<see cref="MasterSelection"/>); an unknown one is one SaltMasterNotConnected error per call.</summary>
    protected IReadOnlyList<IBatchMaster> Masters(SaltMasterConnection[]? given) => _selection.Pick(given, WriteError);

    /// <summary>
    /// Each master's answer, in the masters' order, to <paramref name="write"/> with the master's name; a master's
    /// failure is that master's non-terminating error (the module's one rule, README "Errors"), however many were asked,
    /// including one met while its answer is being written (a lazily read history whose directory becomes unlistable).
    /// </summary>
    protected void WriteEachMaster<T>(IEnumerable<Task<MasterResult<T>>> results, Action<T, string> write)
    {
        foreach (var pending in results)
        {
            var result = pending.GetAwaiter().GetResult();
            FlushNotes();
            if (result.Failure is { } failure)
            {
                WriteFailure(failure, result.Master.Name);
                continue;
            }

            try
            {
                write(result.Value!, result.Master.Name);
            }
            catch (SaltBatchException failedWhileWriting)
            {
                WriteFailure(failedWhileWriting, result.Master.Name);
            }
        }
    }

    /// <summary>Checks a JID before any master is asked (one error, not one per master); false after writing SaltBatchInvalidJid.</summary>
    protected bool ValidJid(string jid)
    {
        try
        {
            Core.Cache.Jid.Validate(jid);
            return true;
        }
        catch (SaltBatchException exception)
        {
            WriteFailure(exception, jid);
            return false;
        }
    }

    /// <summary>
    /// One JID asked of every master at once: each answer, in the masters' order, to <paramref name="write"/>, then the
    /// failures as that JID's non-terminating errors, "not found" only when no master has it (<see cref="NotFoundOnEveryMaster"/>).
    /// A failure met while an answer is written (minions read as they are written) is that JID's error too.
    /// </summary>
    protected void AskEachMaster<T>(IReadOnlyList<IBatchMaster> masters, string jid, Func<IBatchMaster, Task<T>> ask, Action<T, IBatchMaster> write)
    {
        var results = MasterFanOut.Start(masters, ask).Select(task => task.GetAwaiter().GetResult()).ToArray();
        FlushNotes();
        var missing = new NotFoundOnEveryMaster(masters.Count);
        foreach (var result in results.Where(result => result.Failure is null))
        {
            missing.HoldBack(jid, null);
            try
            {
                write(result.Value!, result.Master);
            }
            catch (SaltBatchException failedWhileWriting)
            {
                WriteFailure(failedWhileWriting, jid);
            }
        }

        foreach (var failure in results.Select(result => result.Failure).OfType<SaltBatchException>().Where(failure => !missing.HoldBack(jid, failure)))
        {
            WriteFailure(failure, jid);
        }

        foreach (var (_, failure) in missing.NowhereFound())
        {
            WriteFailure(failure, jid);
        }
    }

    /// <summary>Runs a step whose failure means the environment is broken, ending the call with the mapped error.</summary>
    protected void Guard(Action step)
    {
        try
        {
            step();
        }
        catch (SaltBatchException exception)
        {
            ThrowTerminatingError(SaltErrors.ToErrorRecord(exception));
        }
    }

    protected T Guard<T>(Func<T> step)
    {
        T result = default!;
        Guard(() => { result = step(); });
        return result;
    }

    /// <summary>The event-bus pull framing (<see cref="FramingSetting"/>); a bad $env:SALTBATCH_EVENT_FRAMING ends the call.</summary>
    /// <param name="bound">The cmdlet's -Framing as text: docs/architecture.md, "Types across the engine boundary".</param>
    protected (PullFraming Framing, string? ForcedBy) ResolveFraming(string bound)
    {
        try
        {
            var (framing, forcedBy, note) = FramingSetting.Resolve(MyInvocation.BoundParameters.ContainsKey("Framing") ? bound : null);
            if (note is not null)
            {
                WriteVerbose(note);
            }

            return (framing, forcedBy);
        }
        catch (ArgumentException invalid)
        {
            ThrowTerminatingError(new ErrorRecord(invalid, "SaltBatchInvalidFramingSetting", ErrorCategory.InvalidArgument, Environment.GetEnvironmentVariable(FramingSetting.Variable)));
            throw;
        }
    }

    /// <summary>Resolving the config (<see cref="ResolveLocal"/>) may already have built it; else it is built now.</summary>
    private LocalBatchMaster BuildLocalMaster(MasterConfig config) =>
        _localMaster ??= Guard(() => LocalBatchMaster.For(SaltMasters.ThisHostName, config));

    /// <summary>Reads the master config, says where it came from, and checks the cache when the cmdlet needs it.</summary>
    private MasterConfig ResolveLocal()
    {
        var config = LoadConfig();
        _config = config;
        foreach (var warning in config.Warnings)
        {
            WriteWarning(warning);
        }

        WriteVerbose($"Master config: {(config.ConfigFileFound ? string.Join(", ", config.ConfigFiles) : $"{config.ConfigFile} (not found; Salt's defaults apply)")}; cachedir {config.CacheDir}; hash_type {config.HashType}.");
        if (!config.ConfigFileFound && CacheDir is null)
        {
            var message = $"No Salt master config at '{config.ConfigFile}'. Run this on the Salt master host, or give -ConfigPath (the master config file) or -CacheDir (the master's cachedir); from a workstation, use Connect-SaltMaster and -Master.";
            if (NeedsCache)
            {
                ThrowTerminatingError(new ErrorRecord(new FileNotFoundException(message, config.ConfigFile), "SaltMasterConfigNotFound", ErrorCategory.ObjectNotFound, config.ConfigFile));
            }

            WriteWarning(message);
        }

        if (NeedsCache)
        {
            BuildLocalMaster(config);
            Guard(() => CacheDirectory.EnsureUsable(config.CacheDir));
        }

        return config;
    }

    private MasterConfig LoadConfig()
    {
        try
        {
            return MasterContext.Resolve(
                ConfigPath is null ? null : GetUnresolvedProviderPathFromPSPath(ConfigPath),
                CacheDir is null ? null : GetUnresolvedProviderPathFromPSPath(CacheDir));
        }
        catch (MasterConfigException exception)
        {
            ThrowTerminatingError(new ErrorRecord(exception, "SaltMasterConfigInvalid", ErrorCategory.InvalidData, exception.FilePath));
            throw;
        }
    }
}

using System.Management.Automation;
using SaltBatch.Core;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Config;

namespace SaltBatch;

/// <summary>
/// What every SaltBatch cmdlet shares: where the master is (-ConfigPath, -CacheDir), resolved once per call, and
/// how core failures become errors. A broken environment ends the call; a bad item is one error and the call goes on.
/// </summary>
public abstract class SaltCmdletBase : PSCmdlet
{
    private MasterConfig? _config;
    private BatchCatalog? _catalog;

    /// <summary>The master config file (default: $env:SALT_MASTER_CONFIG, else /etc/salt/master); a directory means DIR/master.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <summary>The master's cachedir, overriding the config.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CacheDir { get; set; }

    /// <summary>The module-wide default for -Framing, for masters whose framing should never be probed.</summary>
    public const string FramingVariable = "SALTBATCH_EVENT_FRAMING";

    protected MasterConfig Config => _config ?? throw new InvalidOperationException("BeginProcessing resolves the configuration first.");

    protected BatchCatalog Catalog => _catalog ??= new BatchCatalog(new JobCacheLayout(Config.CacheDir, Config.HashType));

    /// <summary>Whether the cmdlet reads the job cache (and so needs it to exist and be enterable).</summary>
    protected virtual bool NeedsCache => true;

    protected override void BeginProcessing()
    {
        _config = LoadConfig();
        foreach (var warning in _config.Warnings)
        {
            WriteWarning(warning);
        }

        WriteVerbose($"Master config: {(_config.ConfigFileFound ? string.Join(", ", _config.ConfigFiles) : $"{_config.ConfigFile} (not found; Salt's defaults apply)")}; cachedir {_config.CacheDir}; hash_type {_config.HashType}.");
        if (!_config.ConfigFileFound && CacheDir is null)
        {
            var message = $"No Salt master config at '{_config.ConfigFile}'. Run this on the Salt master host, or give -ConfigPath (the master config file) or -CacheDir (the master's cachedir).";
            if (NeedsCache)
            {
                ThrowTerminatingError(new ErrorRecord(new FileNotFoundException(message, _config.ConfigFile), "SaltMasterConfigNotFound", ErrorCategory.ObjectNotFound, _config.ConfigFile));
            }

            WriteWarning(message);
        }

        if (NeedsCache)
        {
            Guard(() =>
            {
                _ = Catalog;
                CacheDirectory.EnsureUsable(_config.CacheDir);
            });
        }
    }

    protected void WriteFailure(SaltBatchException exception, object? target = null) =>
        WriteError(SaltErrors.ToErrorRecord(exception, target));

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

    /// <summary>
    /// The event-bus pull framing: -Framing when given, else $env:SALTBATCH_EVENT_FRAMING, else Auto (probe once per
    /// master). ForcedBy says where a framing other than Auto came from, for the message when a stop goes unconfirmed.
    /// </summary>
    /// <param name="bound">The cmdlet's -Framing, text (Auto, Prefixed or Bare) so no engine type is a parameter type.</param>
    protected (PullFraming Framing, string? ForcedBy) ResolveFraming(string bound)
    {
        if (MyInvocation.BoundParameters.ContainsKey("Framing"))
        {
            var forced = Enum.Parse<PullFraming>(bound, ignoreCase: true);
            return (forced, forced == PullFraming.Auto ? null : $"-Framing {forced}");
        }

        var setting = Environment.GetEnvironmentVariable(FramingVariable);
        if (string.IsNullOrEmpty(setting))
        {
            return (PullFraming.Auto, null);
        }

        if (Enum.TryParse<PullFraming>(setting, ignoreCase: true, out var framing))
        {
            WriteVerbose($"Event framing {framing} from $env:{FramingVariable}.");
            return (framing, framing == PullFraming.Auto ? null : $"$env:{FramingVariable} = '{setting}'");
        }

        ThrowTerminatingError(new ErrorRecord(
            new ArgumentException($"$env:{FramingVariable} is '{setting}'; use Auto, Prefixed or Bare."),
            "SaltBatchInvalidFramingSetting",
            ErrorCategory.InvalidArgument,
            setting));
        return (PullFraming.Auto, null);
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

using System.Management.Automation;
using SaltBatch.Core;
using SaltBatch.Core.Companion;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Installs SaltBatch's companion Salt runner (saltbatch) where this host's master loads it: runner_dirs, or file_roots' _runners for saltutil.sync_runners.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "SaltBatchRunner", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SaltBatchRunnerInfo))]
public sealed class InstallSaltBatchRunnerCommand : SaltCmdletBase
{
    /// <summary>RunnerDirs (the first runner_dirs entry) or FileRoots (the first file_roots base directory's _runners); default: RunnerDirs when the master sets runner_dirs.</summary>
    [Parameter]
    [ValidateSet(nameof(CompanionRunnerPlace.RunnerDirs), nameof(CompanionRunnerPlace.FileRoots), IgnoreCase = true)]
    public string? Destination { get; set; }

    /// <summary>Installing needs the master config, not its job cache.</summary>
    protected override bool NeedsCache => false;

    protected override void EndProcessing()
    {
        var moduleDirectory = System.IO.Path.GetDirectoryName(typeof(InstallSaltBatchRunnerCommand).Assembly.Location)!;
        var shippedPath = CompanionRunnerFile.ShippedPath(moduleDirectory);
        var shipped = Guard(() => ReadShipped(shippedPath));
        var place = Destination is null ? (CompanionRunnerPlace?)null : Enum.Parse<CompanionRunnerPlace>(Destination, ignoreCase: true);
        var plan = Guard(() => CompanionRunnerInstaller.Plan(Config, shipped, place));
        if (plan.UpToDate)
        {
            WriteVerbose($"'{plan.Path}' is already the module's companion runner {plan.Version}; nothing to write.");
            WriteObject(new SaltBatchRunnerInfo(plan, changed: false));
            return;
        }

        var action = plan.ReplacedVersion is null
            ? $"Install SaltBatch's companion runner {plan.Version}"
            : $"Replace the companion runner {plan.ReplacedVersion} with {plan.Version}";
        if (!ShouldProcess(plan.Path, action))
        {
            return;
        }

        WriteVerbose($"Writing {shippedPath} to {plan.Path} (atomically, mode 0644) for master user '{Config.User}'.");
        Guard(() => CompanionRunnerInstaller.Install(plan, shipped, Config.User));
        WriteObject(new SaltBatchRunnerInfo(plan, changed: true));
    }

    private static byte[] ReadShipped(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new SaltBatchException(
                SaltFailureKind.CacheUnavailable,
                $"The module's companion runner '{path}' cannot be read ({error.Message}): the SaltBatch module is incomplete. Reinstall it.",
                path,
                error);
        }
    }
}

using SaltBatch.Core.Cache;
using SaltBatch.Core.Config;
using SaltBatch.Core.Platform;

namespace SaltBatch.Core.Companion;

/// <summary>
/// Puts the shipped companion runner where this host's master loads it: the first <c>runner_dirs</c> entry, or
/// <c>&lt;first file_roots base&gt;/_runners/</c> for <c>salt-run saltutil.sync_runners</c>. Root writes only into
/// directories that root or the master's user controls: every existing directory on the way must belong to one of
/// them and be writable by no one else (a sticky directory such as /tmp excepted); when the master's user owns any of
/// them, the write is made with the master's identity, so a link that account planted leads nowhere it could not
/// already write. The file is replaced atomically (a reader sees the old runner or the new one), mode 0644.
/// </summary>
public static class CompanionRunnerInstaller
{
    private const UnixFileMode RunnerFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Where the runner would go and what it would replace; nothing is written.</summary>
    /// <param name="place">RunnerDirs or FileRoots; null: runner_dirs when the master has one, else file_roots.</param>
    /// <exception cref="SaltBatchException">InvalidArgument (no such place configured, or not the shipped runner); ConfigInvalid (no master account).</exception>
    public static CompanionRunnerInstallPlan Plan(MasterConfig config, byte[] shipped, CompanionRunnerPlace? place)
    {
        var version = CompanionRunnerFile.VersionOf(shipped) ?? throw new SaltBatchException(
            SaltFailureKind.InvalidArgument,
            "The module's salt/_runners/saltbatch.py declares no VERSION: the module is damaged. Reinstall SaltBatch.",
            CompanionRunnerFile.FileName);
        var chosen = place ?? (config.RunnerDirs.Count > 0 ? CompanionRunnerPlace.RunnerDirs : CompanionRunnerPlace.FileRoots);
        var directory = chosen switch
        {
            CompanionRunnerPlace.RunnerDirs => config.RunnerDirs.FirstOrDefault() ?? throw NotConfigured(config, "runner_dirs", "runner_dirs: [/srv/salt/runners]"),
            CompanionRunnerPlace.FileRoots => config.FileRootsBase.FirstOrDefault() is { } root ? Path.Combine(root, "_runners") : throw NotConfigured(config, "file_roots", "file_roots: {base: [/srv/salt]}"),
            _ => throw new SaltBatchException(SaltFailureKind.InvalidArgument, "The companion runner is installed into runner_dirs or file_roots; saltutil.sync_runners fills extension_modules.", chosen.ToString()),
        };
        directory = Path.GetFullPath(directory);
        var path = Path.Combine(directory, CompanionRunnerFile.FileName);
        var present = File.Exists(path) ? File.ReadAllBytes(path) : null;
        var loaded = CompanionRunnerLocator.Find(config);
        return new CompanionRunnerInstallPlan(
            path,
            chosen,
            version,
            present is null ? null : CompanionRunnerFile.VersionOf(present) ?? "unknown",
            present is not null && present.AsSpan().SequenceEqual(shipped),
            NextStep(chosen, path, loaded));
    }

    /// <summary>Writes the plan; an up-to-date plan writes nothing.</summary>
    /// <exception cref="SaltBatchException">AccessDenied (a directory another account controls, or no right to write); CacheWriteFailed.</exception>
    public static void Install(CompanionRunnerInstallPlan plan, byte[] shipped, string masterUser)
    {
        if (plan.UpToDate)
        {
            return;
        }

        var master = OperatingSystem.IsLinux() ? UnixAccounts.LookupUser(masterUser) : null;
        if (OperatingSystem.IsLinux() && master is null)
        {
            throw new SaltBatchException(
                SaltFailureKind.ConfigInvalid,
                $"The master config names user '{masterUser}', but there is no such account on this host. Set 'user' in the master config to the account salt-master runs as.",
                masterUser);
        }

        // What is checked is what is written: the directories the path really goes through, links resolved.
        var directory = UnixFiles.RealPath(Path.GetDirectoryName(plan.Path)!);
        var target = Path.Combine(directory, CompanionRunnerFile.FileName);
        var writeAs = ControlledBy(directory, master);
        try
        {
            _ = MasterIdentity.Run(writeAs, () =>
            {
                CreateMissing(directory);
                AtomicFile.Write(target, shipped, RunnerFileMode);
                return true;
            });
        }
        catch (UnauthorizedAccessException error)
        {
            throw new SaltBatchException(
                SaltFailureKind.AccessDenied,
                $"Cannot write '{plan.Path}' as {(writeAs is null ? UnixAccounts.EffectiveUserName() : $"the master's user '{masterUser}'")}: {error.Message} Run Install-SaltBatchRunner as root, or choose the other place with -Destination.",
                plan.Path,
                error);
        }
        catch (IOException error)
        {
            throw new SaltBatchException(SaltFailureKind.CacheWriteFailed, $"Cannot write '{plan.Path}': {error.Message}", plan.Path, error);
        }
    }

    /// <summary>
    /// The identity to write with: the master's when it owns any directory on the way (null: this process's). Refuses
    /// a directory that belongs to, or can be written by, any other account.
    /// </summary>
    private static UnixOwner? ControlledBy(string directory, UnixOwner? master)
    {
        if (!OperatingSystem.IsLinux() || master is not { } masterOwner)
        {
            return null;
        }

        var self = UnixAccounts.EffectiveUserId();
        var masterOwnsPart = false;
        for (var current = directory; current is not null; current = Path.GetDirectoryName(current))
        {
            if (UnixAccounts.OwnerAndModeOfDirectory(current) is not var (owner, mode))
            {
                continue;
            }

            var trusted = owner.Uid == 0 || owner.Uid == masterOwner.Uid;
            var othersWrite = mode.HasFlag(UnixFileMode.OtherWrite) && !mode.HasFlag(UnixFileMode.StickyBit);
            var groupWrite = mode.HasFlag(UnixFileMode.GroupWrite) && owner.Gid != 0 && owner.Gid != masterOwner.Gid && !mode.HasFlag(UnixFileMode.StickyBit);
            if (!trusted || othersWrite || groupWrite)
            {
                throw new SaltBatchException(
                    SaltFailureKind.AccessDenied,
                    $"Refusing to install the companion runner under '{current}': it belongs to or can be written by an account other than root and the master's user ({UnixAccounts.DescribeOwner(current)}), which could redirect what root writes there. Install it by hand, or make root or the master's user the only writer of '{current}'.",
                    current);
            }

            masterOwnsPart |= owner.Uid == masterOwner.Uid && masterOwner.Uid != 0;
        }

        return masterOwnsPart && self != masterOwner.Uid ? masterOwner : null;
    }

    /// <summary>The directory and its missing parents, 0755, each made by this thread's identity.</summary>
    private static void CreateMissing(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        if (Path.GetDirectoryName(directory) is { } parent)
        {
            CreateMissing(parent);
        }

        UnixFiles.TryCreateDirectory(directory, DirectoryMode);
    }

    private static string NextStep(CompanionRunnerPlace place, string path, CompanionRunnerStatus loaded)
    {
        var shadow = loaded.LoadedPath is { } other && other != path && loaded.LoadedFrom == CompanionRunnerPlace.ExtensionModules && place == CompanionRunnerPlace.RunnerDirs
            ? $" The master loads '{other}' (version {loaded.LoadedVersion ?? "unknown"}) before runner_dirs: remove it (or run salt-run saltutil.sync_runners after installing into file_roots) so this one counts."
            : string.Empty;
        var load = place == CompanionRunnerPlace.FileRoots
            ? "Run 'salt-run saltutil.sync_runners' so the master loads it, then check with 'salt-run saltbatch.version'."
            : "The master loads it at the next runner call; check with 'salt-run saltbatch.version'.";
        return $"{load}{shadow} Give each salt-api user who should use it the external_auth rule {{'@runner': ['saltbatch\\..*']}} (see the README's section for the master admin).";
    }

    private static SaltBatchException NotConfigured(MasterConfig config, string option, string example) => new(
        SaltFailureKind.InvalidArgument,
        $"The master config '{config.ConfigFile}' sets no {option}, so there is no such place to install the companion runner. Add one (for example '{example}') and restart salt-master, or choose the other place with -Destination.",
        option);
}

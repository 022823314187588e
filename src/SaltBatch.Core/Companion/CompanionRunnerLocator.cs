using SaltBatch.Core.Config;

namespace SaltBatch.Core.Companion;

/// <summary>
/// Finds the companion runner where the master's loader would (extension modules before <c>runner_dirs</c>), and in
/// the <c>salt://_runners/</c> directories of <c>file_roots</c>, which count only after a sync. It looks at those few
/// paths only: no directory is walked.
/// </summary>
public static class CompanionRunnerLocator
{
    public static CompanionRunnerStatus Find(MasterConfig config)
    {
        var loaded = Candidates(config)
            .Where(candidate => candidate.Place != CompanionRunnerPlace.FileRoots)
            .FirstOrDefault(candidate => File.Exists(candidate.Path));
        var staged = Candidates(config)
            .Where(candidate => candidate.Place == CompanionRunnerPlace.FileRoots && File.Exists(candidate.Path))
            .Select(candidate => candidate.Path)
            .ToArray();
        return loaded.Path is null
            ? new CompanionRunnerStatus(null, null, null, staged)
            : new CompanionRunnerStatus(loaded.Path, loaded.Place, CompanionRunnerFile.VersionAt(loaded.Path), staged);
    }

    /// <summary>Every place the runner file may be, in the loader's order; the file_roots ones last.</summary>
    public static IEnumerable<(string Path, CompanionRunnerPlace Place)> Candidates(MasterConfig config)
    {
        yield return (Path.Combine(config.ExtensionModules, "runners", CompanionRunnerFile.FileName), CompanionRunnerPlace.ExtensionModules);
        foreach (var directory in config.RunnerDirs)
        {
            yield return (Path.Combine(directory, CompanionRunnerFile.FileName), CompanionRunnerPlace.RunnerDirs);
        }

        foreach (var root in config.FileRootsBase)
        {
            yield return (Path.Combine(root, "_runners", CompanionRunnerFile.FileName), CompanionRunnerPlace.FileRoots);
        }
    }
}

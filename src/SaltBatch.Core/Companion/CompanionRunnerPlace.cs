namespace SaltBatch.Core.Companion;

/// <summary>Where a master finds runner modules, in the order it prefers them (salt/loader _module_dirs).</summary>
public enum CompanionRunnerPlace
{
    /// <summary><c>&lt;extension_modules&gt;/runners/</c>: what <c>salt-run saltutil.sync_runners</c> copied from <c>salt://_runners/</c>.</summary>
    ExtensionModules,

    /// <summary>A directory named in <c>runner_dirs</c>: loaded as it is, no sync needed.</summary>
    RunnerDirs,

    /// <summary><c>&lt;file_roots base&gt;/_runners/</c>: not loaded until <c>salt-run saltutil.sync_runners</c> copies it.</summary>
    FileRoots,
}

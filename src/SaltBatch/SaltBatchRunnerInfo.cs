using SaltBatch.Core.Companion;

namespace SaltBatch;

/// <summary>SaltBatch's companion runner on this host's master: where it is (or was put), its version, and what to run next.</summary>
public sealed class SaltBatchRunnerInfo
{
    internal SaltBatchRunnerInfo(CompanionRunnerInstallPlan plan, bool changed)
    {
        Path = plan.Path;
        Place = plan.Place.ToString();
        Version = plan.Version;
        PreviousVersion = plan.ReplacedVersion;
        Changed = changed;
        NextStep = plan.NextStep;
    }

    public string Path { get; }

    /// <summary><c>RunnerDirs</c> (loaded as it is) or <c>FileRoots</c> (<c>salt://_runners/</c>, loaded after <c>salt-run saltutil.sync_runners</c>).</summary>
    public string Place { get; }

    /// <summary>The version now at <see cref="Path"/>: the module's.</summary>
    public string Version { get; }

    /// <summary>The version the file had before; null when there was none.</summary>
    public string? PreviousVersion { get; }

    /// <summary>Whether the file was written (false: it was already the module's, or -WhatIf).</summary>
    public bool Changed { get; }

    /// <summary>What to run for the master to load it, and the external_auth rule salt-api users need.</summary>
    public string NextStep { get; }
}

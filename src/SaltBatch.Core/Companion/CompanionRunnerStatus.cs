namespace SaltBatch.Core.Companion;

/// <summary>
/// Whether this host's master has the companion runner: the copy it loads (the first in its load order), its version,
/// and copies it does not load yet (a <c>salt://_runners/</c> file awaiting a sync).
/// </summary>
public sealed record CompanionRunnerStatus(string? LoadedPath, CompanionRunnerPlace? LoadedFrom, string? LoadedVersion, IReadOnlyList<string> Staged)
{
    public bool Installed => LoadedPath is not null;
}

namespace SaltBatch.Core.Companion;

/// <summary>What installing the companion runner would do: the file, the kind of place, and what it replaces.</summary>
/// <param name="ReplacedVersion">The version of the file there now; null when there is none.</param>
/// <param name="UpToDate">The file there is byte for byte the shipped one: nothing to write.</param>
/// <param name="NextStep">What the admin runs next for the master to load it, and the rule salt-api users need.</param>
public sealed record CompanionRunnerInstallPlan(
    string Path,
    CompanionRunnerPlace Place,
    string Version,
    string? ReplacedVersion,
    bool UpToDate,
    string NextStep);

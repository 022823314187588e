namespace SaltBatch.Core.Config;

/// <summary>What the caller knows when asking for the master configuration.</summary>
public sealed record MasterConfigRequest
{
    /// <summary>A config file given by the user; a directory means DIR/master, like salt's -c.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>Replaces the resolved cachedir; taken as given (made absolute, no root_dir prefix).</summary>
    public string? CacheDirOverride { get; init; }

    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The user loading the config, which is Salt's default for the <c>user</c> option.</summary>
    public string CurrentUserName { get; init; } = Environment.UserName;

    /// <summary>Used when neither ConfigPath nor the SALT_* variables name a file; missing is not an error.</summary>
    public string DefaultConfigPath { get; init; } = MasterDefaults.ConfigFile;
}

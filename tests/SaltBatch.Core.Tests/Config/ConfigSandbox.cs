using SaltBatch.Core.Config;

namespace SaltBatch.Core.Tests.Config;

/// <summary>A throw-away /etc/salt look-alike with a fake environment, so no test sees the host's config.</summary>
internal sealed class ConfigSandbox : IDisposable
{
    private readonly Dictionary<string, string> environment = new(StringComparer.Ordinal);

    public ConfigSandbox()
    {
        Root = Directory.CreateTempSubdirectory("saltbatch-config-").FullName;
        Directory.CreateDirectory(ConfigDir);
    }

    public string Root { get; }

    /// <summary>Stands in for /etc/salt.</summary>
    public string ConfigDir => Path.Join(Root, "etc", "salt");

    public string MainFile => Path.Join(ConfigDir, "master");

    public string Write(string relativePath, string yaml)
    {
        var path = Path.Join(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
        return path;
    }

    public string WriteMain(string yaml) => Write("etc/salt/master", yaml);

    public void SetEnvironment(string name, string value) => environment[name] = value;

    /// <summary>A request whose default config path is this sandbox's etc/salt/master.</summary>
    public MasterConfigRequest Request(string? configPath = null, string? cacheDirOverride = null) => new()
    {
        ConfigPath = configPath,
        CacheDirOverride = cacheDirOverride,
        DefaultConfigPath = MainFile,
        GetEnvironmentVariable = name => environment.GetValueOrDefault(name),
        CurrentUserName = "tester",
    };

    public MasterConfig Load(string? configPath = null, string? cacheDirOverride = null) =>
        MasterConfigLoader.Load(Request(configPath, cacheDirOverride));

    public MasterConfig LoadMain(string yaml)
    {
        WriteMain(yaml);
        return Load();
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

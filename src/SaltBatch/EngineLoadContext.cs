using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace SaltBatch;

/// <summary>
/// The module's private load context: the engine (SaltBatch.Core) and every third-party assembly it uses come from
/// the module's <c>dependencies/</c> folder, so another module's YamlDotNet, MessagePack or NetMQ, of whatever
/// version and loaded in whatever order, never meets ours. Only engine and BCL types cross into the cmdlets.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    public const string EngineAssemblyName = "SaltBatch.Core";

    /// <summary>Out of reach of PowerShell's probing, which only looks next to SaltBatch.dll.</summary>
    public const string DependenciesFolder = "dependencies";

    private readonly string _dependencies;
    private readonly string _runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();

    private EngineLoadContext(string dependencies)
        : base("SaltBatch", isCollectible: false)
    {
        _dependencies = dependencies;
    }

    public static EngineLoadContext Instance { get; } =
        new(Path.Combine(Path.GetDirectoryName(typeof(EngineLoadContext).Assembly.Location)!, DependenciesFolder));

    /// <summary>
    /// SaltBatch.Core from dependencies/, or null when it is not there. Never by name: a name this context does not
    /// find is asked of the default context, whose failure would ask us again, without end.
    /// </summary>
    public Assembly? LoadEngine()
    {
        var path = Path.Combine(_dependencies, EngineAssemblyName + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(_dependencies, assemblyName.Name + ".dll");
        if (!File.Exists(path) || IsSharedRuntimeLibrary(assemblyName.Name!, path))
        {
            // Not ours to isolate: the default context (the .NET runtime, PowerShell) provides it.
            return null;
        }

        return LoadFromAssemblyPath(path);
    }

    /// <summary>
    /// System.* libraries that NuGet brought along (System.Collections.Immutable and friends) are the runtime's own,
    /// which keeps them compatible: when the runtime's copy is at least as new, everyone shares it, as an application
    /// would, instead of loading and compiling a second, older copy.
    /// </summary>
    private bool IsSharedRuntimeLibrary(string name, string dependencyPath)
    {
        if (!name.StartsWith("System.", StringComparison.Ordinal))
        {
            return false;
        }

        var runtimeCopy = Path.Combine(_runtimeDirectory, name + ".dll");
        return File.Exists(runtimeCopy)
            && AssemblyName.GetAssemblyName(runtimeCopy).Version >= AssemblyName.GetAssemblyName(dependencyPath).Version;
    }
}

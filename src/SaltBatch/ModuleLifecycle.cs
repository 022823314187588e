using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;
using SaltBatch.Core.Publish;

namespace SaltBatch;

/// <summary>
/// What the module does to the process when it is imported and removed. Import hooks the engine's load context;
/// removal (SaltBatch.Lifecycle.psm1, as PowerShellStandard 5.1 has no IModuleAssemblyCleanup) releases NetMQ.
/// </summary>
public sealed class ModuleLifecycle : IModuleAssemblyInitializer
{
    private static int _engineHooked;

    /// <summary>How many times the module released its resources in this process; lets tests see that removal did it.</summary>
    public static int ReleaseCount { get; private set; }

    /// <summary>
    /// PowerShell calls this when it imports SaltBatch.dll, before any cmdlet runs or any parameter's type is read,
    /// so the first reference to SaltBatch.Core already finds the hook. The default context looks for
    /// SaltBatch.Core next to SaltBatch.dll, fails, and asks us; we answer with the engine's load context. The hook
    /// stays for the life of the process, as SaltBatch.dll does: objects and completers outlive a Remove-Module, and
    /// a second Import-Module reuses the loaded assembly.
    /// </summary>
    public void OnImport()
    {
        if (Interlocked.Exchange(ref _engineHooked, 1) == 0)
        {
            AssemblyLoadContext.Default.Resolving += ResolveEngine;
        }
    }

    public static void Release()
    {
        SaltMasters.Release();
        NetMqRuntime.Cleanup();
        ReleaseCount++;
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == EngineLoadContext.EngineAssemblyName ? EngineLoadContext.Instance.LoadEngine() : null;
}

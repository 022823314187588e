using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Publish;

namespace SaltBatch;

/// <summary>
/// What the module does to the process when it is imported and removed. Import hooks the engine's load context;
/// removal (SaltBatch.Lifecycle.psm1, as PowerShellStandard 5.1 has no IModuleAssemblyCleanup) releases NetMQ.
/// </summary>
public sealed class ModuleLifecycle : IModuleAssemblyInitializer
{
    private static int _engineHooked;
    private static int _importers;

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

    /// <summary>
    /// One more runspace imported the module (SaltBatch.Lifecycle.psm1 runs in each). Connections and NetMQ belong to
    /// the process, so they are released only when the last importer removes the module: a Remove-Module in a
    /// ThreadJob or a second runspace must not tear down another runspace's calls.
    /// </summary>
    public static void Acquire() => Interlocked.Increment(ref _importers);

    /// <summary>A runspace removed the module; the last one releases what the process holds.</summary>
    public static void Release()
    {
        if (Interlocked.Decrement(ref _importers) > 0)
        {
            return;
        }

        SaltMasters.Release();
        NetMqRuntime.Cleanup();
        PullFramingDetector.ForgetAll();
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == EngineLoadContext.EngineAssemblyName ? EngineLoadContext.Instance.LoadEngine() : null;
}

using SaltBatch.Core.Publish;

namespace SaltBatch;

/// <summary>Process-wide resources the module releases on <c>Remove-Module</c> (called from SaltBatch.Lifecycle.psm1).</summary>
public static class ModuleLifecycle
{
    /// <summary>How many times the module released its resources in this process; lets tests see that removal did it.</summary>
    public static int ReleaseCount { get; private set; }

    public static void Release()
    {
        SaltMasters.Release();
        NetMqRuntime.Cleanup();
        ReleaseCount++;
    }
}

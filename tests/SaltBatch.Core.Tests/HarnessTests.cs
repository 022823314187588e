using System.Reflection;

namespace SaltBatch.Core.Tests;

// Placeholder that proves the xunit leg of the harness (build, run, TRX counting) before the
// real core tests exist. It only checks that SaltBatch.Core.dll is deployed next to the tests
// and loads; it says nothing about the core's behaviour.
public class HarnessTests
{
    [Fact]
    public void CoreAssembly_IsDeployedAndLoads()
    {
        // Loaded by name because the core has no public types yet to reference with typeof().
        var core = Assembly.Load(new AssemblyName("SaltBatch.Core"));

        Assert.Equal("SaltBatch.Core", core.GetName().Name);
    }
}

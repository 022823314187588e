using System.Diagnostics;
using SaltBatch.Core.Platform;

namespace SaltBatch.Core.Tests.Support;

/// <summary>Gives a test's own file to another account (chown(1); the engine itself never chowns by path).</summary>
internal static class Chown
{
    public static void To(string path, UnixOwner owner)
    {
        using var process = Process.Start(new ProcessStartInfo("chown", [$"{owner.Uid}:{owner.Gid}", path]) { RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"chown {owner.Uid}:{owner.Gid} {path}: {process.StandardError.ReadToEnd()}");
    }
}

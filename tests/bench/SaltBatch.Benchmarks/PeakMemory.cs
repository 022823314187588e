using System.Diagnostics;
using SaltBatch.Core.Cache;

namespace SaltBatch.Benchmarks;

/// <summary>
/// The extra peak resident memory of one summary, in this fresh process: the kernel's peak counter (VmHWM) is reset
/// after start-up and a warm-up, so what remains is what reading the file costs.
/// </summary>
internal static class PeakMemory
{
    public static string Measure(string file, string warmUpFile)
    {
        BatchSummaryReader.Read(warmUpFile);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using (var reset = new FileStream("/proc/self/clear_refs", FileMode.Open, FileAccess.Write))
        {
            reset.WriteByte((byte)'5');
        }

        var baseline = StatusKb("VmRSS");
        var watch = Stopwatch.StartNew();
        var summary = BatchSummaryReader.Read(file)!;
        watch.Stop();
        var peak = StatusKb("VmHWM");
        return $"{{\"completed\":{summary.Completed},\"seconds\":{watch.Elapsed.TotalSeconds:R},\"baselineKb\":{baseline},\"peakKb\":{peak}}}";
    }

    private static long StatusKb(string field) =>
        long.Parse(System.IO.File.ReadLines("/proc/self/status").First(line => line.StartsWith(field + ":", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
}

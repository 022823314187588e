using System.Diagnostics;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Tests.Fuzz;

/// <summary>
/// Runs one target on one input and enforces the properties every target shares: only the expected failure type
/// escapes, the input costs no more memory than its size justifies, and it finishes promptly.
/// </summary>
internal static class FuzzBudget
{
    /// <summary>Per input byte: a materialised value costs a boxed number or a small object per byte or two of msgpack.</summary>
    public const long AllocationPerInputByte = 64;

    public const long AllocationAllowance = 1024 * 1024;

    /// <summary>Generous because the CI machine is shared; a real hang runs into <see cref="FuzzWatchdog"/> instead.</summary>
    public static readonly TimeSpan TimePerInput = TimeSpan.FromSeconds(2);

    /// <summary>Runs <paramref name="decode"/>; a <see cref="PayloadFormatException"/> is the typed result of a bad input.</summary>
    public static void Run(string target, byte[] input, Action decode) =>
        Run(target, input, decode, failure => failure is PayloadFormatException);

    /// <summary>Runs <paramref name="decode"/>; failures <paramref name="isTypedFailure"/> accepts are the typed result of a bad input.</summary>
    public static void Run(string target, byte[] input, Action decode, Func<Exception, bool> isTypedFailure)
    {
        using var _ = FuzzWatchdog.Watch(target, input);
        var stopwatch = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            decode();
        }
        catch (FuzzVerdict)
        {
            throw;
        }
        catch (Exception failure) when (isTypedFailure(failure))
        {
        }
        catch (Exception unexpected)
        {
            throw new FuzzVerdict(target, input, $"{unexpected.GetType().Name} escaped: {unexpected.Message}", unexpected);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var budget = (AllocationPerInputByte * input.Length) + AllocationAllowance;
        if (allocated > budget)
        {
            throw new FuzzVerdict(target, input, $"allocated {allocated} bytes, more than the budget of {budget}");
        }

        if (stopwatch.Elapsed > TimePerInput)
        {
            throw new FuzzVerdict(target, input, $"took {stopwatch.Elapsed.TotalMilliseconds:0} ms");
        }
    }
}

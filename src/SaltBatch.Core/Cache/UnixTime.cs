namespace SaltBatch.Core.Cache;

/// <summary>Unix seconds as the master stores them, as UTC <see cref="DateTime"/> values for output objects.</summary>
public static class UnixTime
{
    /// <summary>Null for absent values and for values no <see cref="DateTime"/> can hold (a damaged clock field).</summary>
    public static DateTime? ToUtc(double? seconds) =>
        seconds is { } value && double.IsFinite(value) && value > 0 && value < 253402300800
            ? DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks((long)(value * TimeSpan.TicksPerSecond)), DateTimeKind.Utc)
            : null;

    /// <summary>A UTC time as the Unix seconds the master compares with (<c>created</c>).</summary>
    public static double FromUtc(DateTime utc) => (utc - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;
}

namespace SaltBatch.Core.Tests.Support;

/// <summary>A clock stopped at one instant, so stamps in packed events are predictable.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public static FixedClock WorkedExample => new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(6_789_010));

    public override DateTimeOffset GetUtcNow() => now;
}

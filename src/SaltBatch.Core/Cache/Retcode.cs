using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Cache;

/// <summary>
/// A stored retcode as one number, the way the batch state machine's failhard check reads it (reference §2.3): an
/// int as is, a per-function map as its largest value (0 when empty), anything non-numeric as 0.
/// </summary>
public static class Retcode
{
    public static long Collapse(object? retcode) => retcode switch
    {
        PayloadMap map => map.Select(entry => Number(entry.Value)).DefaultIfEmpty(0).Max(),
        _ => Number(retcode),
    };

    private static long Number(object? value) => value switch
    {
        long number => number,
        ulong => long.MaxValue,
        bool flag => flag ? 1 : 0,
        double number => Whole(number),
        _ => 0,
    };

    /// <summary>Rounds away from zero, so a fractional retcode still fails like Salt's <c>retcode &gt; 0</c>.</summary>
    private static long Whole(double number)
    {
        if (double.IsNaN(number))
        {
            return 0;
        }

        var whole = number > 0 ? Math.Ceiling(number) : Math.Floor(number);
        return whole >= long.MaxValue ? long.MaxValue : whole <= long.MinValue ? long.MinValue : (long)whole;
    }
}

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

    /// <summary>
    /// The next value of the reader collapsed as <see cref="Collapse(object?)"/> does, read token by token so a
    /// summary pass over every <c>done</c> entry allocates nothing.
    /// </summary>
    public static long Collapse(PayloadReader reader)
    {
        if (reader.TryReadFixInteger(out var small))
        {
            return small;
        }

        if (!reader.TryReadMapHeader(out var entries, out var scalar))
        {
            return Number(reader, scalar);
        }

        long? largest = null;
        for (long i = 0; i < entries; i++)
        {
            reader.SkipValue();
            var number = reader.TryReadFixInteger(out var fix) ? fix : Number(reader, reader.ReadToken());
            largest = largest is { } known ? Math.Max(known, number) : number;
        }

        return largest ?? 0;
    }

    /// <summary>One scalar token as <see cref="Number(object?)"/> reads its decoded value; containers and text count as 0.</summary>
    private static long Number(PayloadReader reader, PayloadToken token)
    {
        reader.Skip(token);
        return token.Kind switch
        {
            PayloadTokenKind.Integer or PayloadTokenKind.Boolean => token.Integer,
            PayloadTokenKind.UnsignedInteger => long.MaxValue,
            PayloadTokenKind.Float => Whole(token.Float),
            _ => 0,
        };
    }

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

using System.Globalization;

namespace SaltBatch.Core.Batches;

/// <summary>
/// Salt's <c>--batch</c> spec (reference §2.6): <c>N</c> minions at a time, or <c>P%</c> of the minions that answered
/// the ping — below one minion that rounds up to 1, otherwise it is truncated (33% of 10 is 3), in the same
/// double arithmetic Python uses, so the size is exactly Salt's.
/// </summary>
public sealed record BatchSizeSpec
{
    private BatchSizeSpec(string text, long? count, double? percent)
    {
        Text = text;
        Count = count;
        Percent = percent;
    }

    /// <summary>The spec as given (trimmed): what Salt keeps as <c>opts["batch"]</c>.</summary>
    public string Text { get; }

    public long? Count { get; }

    public double? Percent { get; }

    public const string Expected = "a whole number of minions (10) or a percentage of the minions that answer (25%), greater than 0";

    /// <summary>Null when the text is not a positive count or a positive percentage.</summary>
    public static BatchSizeSpec? TryParse(string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.EndsWith('%'))
        {
            var number = trimmed[..^1];
            return number.Length > 0 && number.All(c => char.IsAsciiDigit(c) || c == '.')
                && double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent)
                && percent > 0 && double.IsFinite(percent)
                ? new BatchSizeSpec(trimmed, null, percent)
                : null;
        }

        return trimmed.Length > 0 && trimmed.All(char.IsAsciiDigit)
            && long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? new BatchSizeSpec(trimmed, count, null)
            : null;
    }

    /// <summary>A fixed count, as a started batch records its resolved size.</summary>
    public static BatchSizeSpec Of(long count) =>
        count > 0 ? new BatchSizeSpec(count.ToString(CultureInfo.InvariantCulture), count, null) : throw new ArgumentOutOfRangeException(nameof(count), count, "A batch size is at least 1.");

    /// <exception cref="SaltBatchException">InvalidArgument, saying what a batch size looks like.</exception>
    public static BatchSizeSpec Parse(string? text) =>
        TryParse(text) ?? throw new SaltBatchException(
            SaltFailureKind.InvalidArgument,
            $"'{text}' is not a batch size: use {Expected}.",
            text);

    /// <summary>How many minions run at once when <paramref name="minionCount"/> minions answered.</summary>
    public long SizeFor(int minionCount)
    {
        if (Count is { } count)
        {
            return count;
        }

        if (minionCount == 0)
        {
            return 1;
        }

        var share = Percent!.Value / 100.0 * minionCount;
        return share < 1 ? 1 : (long)share;
    }

    public override string ToString() => Text;
}

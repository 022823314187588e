using System.Globalization;
using SaltBatch.Core.Cache;

namespace SaltBatch.Core.Batches;

/// <summary>
/// How many unsuccessful minions a batch may have before it is stopped: <c>N</c> minions, or <c>P%</c> of its minions
/// (AWX's <c>max_fail_percentage</c>). Exceeded means more than that, never as many: a budget of 0 stops at the first.
/// </summary>
public sealed record FailureBudget
{
    private FailureBudget(string text, long? count, double? percent)
    {
        Text = text;
        Count = count;
        Percent = percent;
    }

    /// <summary>The budget as given (trimmed).</summary>
    public string Text { get; }

    public long? Count { get; }

    public double? Percent { get; }

    /// <exception cref="SaltBatchException">InvalidArgument, saying what a budget looks like.</exception>
    public static FailureBudget Parse(string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.EndsWith('%'))
        {
            var number = trimmed[..^1];
            if (number.Length > 0 && number.All(c => char.IsAsciiDigit(c) || c == '.')
                && double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent)
                && percent is >= 0 and < 100)
            {
                return new FailureBudget(trimmed, null, percent);
            }
        }
        else if (trimmed.Length > 0 && trimmed.All(char.IsAsciiDigit) && long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return new FailureBudget(trimmed, count, null);
        }

        throw new SaltBatchException(
            SaltFailureKind.InvalidArgument,
            $"'{text}' is not a failure budget: use a number of minions (0 stops at the first unsuccessful one) or a percentage of the batch's minions below 100 (5%).",
            text);
    }

    /// <summary>
    /// The unsuccessful minions a budget counts: non-zero retcodes plus <c>failed</c>; where retcodes are unknown
    /// (the runner's summary through salt-api), <c>failed</c> alone.
    /// </summary>
    public static long Unsuccessful(BatchSummary summary) => summary.Unsuccessful ?? summary.Failed;

    public bool IsExceededBy(BatchSummary summary)
    {
        var unsuccessful = Unsuccessful(summary);
        return Count is { } count
            ? unsuccessful > count
            : summary.Total > 0 && unsuccessful * 100.0 / summary.Total > Percent!.Value;
    }

    /// <summary>What the BatchManager records as <c>halted_reason</c>: short enough for a table, and saying why.</summary>
    public string HaltReason(BatchSummary summary) =>
        $"failure_budget: {Unsuccessful(summary)}/{summary.Total} unsuccessful, max {Text}";

    public override string ToString() => Text;
}

using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Tests.Fuzz;

/// <summary>
/// The streaming summary reader, checked three ways on the same bytes: with the fast buffered skip (whole input in
/// the buffer), with the general path only (<see cref="TrickleStream"/>), and against <see cref="SummaryOracle"/>.
/// </summary>
internal static class BatchSummaryTarget
{
    public const string Name = "summary";

    public static void Check(byte[] input)
    {
        var fast = Outcome(input, () => Summarise(new PayloadReader(new MemoryStream(input, writable: false))));
        var general = Outcome(input, () => Summarise(new PayloadReader(new TrickleStream(input), length: input.Length)));
        var oracle = Outcome(input, () => SummaryOracle.Read(input));

        if (fast.Failure?.Message != general.Failure?.Message)
        {
            throw new FuzzVerdict(Name, input, $"fast skip and general path disagree: '{fast.Failure?.Message ?? "ok"}' vs '{general.Failure?.Message ?? "ok"}'");
        }

        if (fast.Summary is { } summary && !SameSummary(summary, general.Summary!))
        {
            throw new FuzzVerdict(Name, input, "fast skip and general path read different summaries");
        }

        // The streaming reader checks less than the materialising oracle (it never decodes what it skips), never more.
        if (fast.Failure is not null && oracle.Failure is null)
        {
            throw new FuzzVerdict(Name, input, $"the streaming reader rejects a document the oracle accepts: {fast.Failure.Message}");
        }

        if (fast.Summary is not null && oracle.Summary is not null && !SameSummary(fast.Summary, oracle.Summary))
        {
            throw new FuzzVerdict(Name, input, "the streaming summary differs from the one computed from the materialised document");
        }
    }

    private static BatchSummary Summarise(PayloadReader reader)
    {
        using var _ = reader;
        var summary = BatchSummaryReader.Read(reader);
        reader.EnsureEnd();
        return summary;
    }

    private static (BatchSummary? Summary, PayloadFormatException? Failure) Outcome(byte[] input, Func<BatchSummary> read)
    {
        BatchSummary? summary = null;
        PayloadFormatException? failure = null;
        FuzzBudget.Run(Name, input, () =>
        {
            try
            {
                summary = read();
            }
            catch (PayloadFormatException error)
            {
                failure = error;
            }
        });
        return (summary, failure);
    }

    private static bool SameSummary(BatchSummary left, BatchSummary right) =>
        left with { ActiveMinions = [] } == right with { ActiveMinions = [] }
        && left.ActiveMinions.SequenceEqual(right.ActiveMinions, StringComparer.Ordinal);
}

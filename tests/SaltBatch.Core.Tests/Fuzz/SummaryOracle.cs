using System.Globalization;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Tests.Fuzz;

/// <summary>
/// The runner's summary computed the slow, obvious way: every value is materialised with <c>ReadValue</c> and then
/// judged by Python's rules, so no skipping (buffered or not) is involved. The streaming reader must agree with it.
/// </summary>
/// <remarks>
/// Container fields are walked element by element here rather than read as one <see cref="PayloadMap"/>: the runner's
/// counts come from the msgpack headers, and a map with a repeated key would otherwise count once.
/// </remarks>
internal static class SummaryOracle
{
    public static BatchSummary Read(byte[] document)
    {
        using var reader = new PayloadReader(document);
        var header = reader.ReadToken();
        if (header.Kind != PayloadTokenKind.Map)
        {
            throw new PayloadFormatException("not a map", header.Offset);
        }

        var summary = new BatchSummary();
        for (long i = 0; i < header.Length; i++)
        {
            var key = reader.ReadValue(TextDecoding.FileSemantics) as string;
            var token = reader.ReadToken();
            summary = key switch
            {
                "all_minions" => summary with { Total = Count(reader, token) },
                "done" => summary with { Completed = Count(reader, token) },
                "pending" => summary with { Pending = Count(reader, token) },
                "failed" => summary with { Failed = Count(reader, token) },
                "active" => Active(reader, token, summary),
                _ => Field(summary, key, token, reader.ReadValue(token, TextDecoding.FileSemantics)),
            };
        }

        reader.EnsureEnd();
        return summary;
    }

    private static BatchSummary Field(BatchSummary summary, string? key, PayloadToken token, object? value) => key switch
    {
        "jid" => summary with { Jid = Text(value) },
        "fun" => summary with { Function = Text(value) },
        "tgt" => summary with { Target = value is List<object?> list ? string.Join(",", list.Select(Stringify)) : Text(value) },
        "tgt_type" => summary with { TargetType = Text(value) },
        "batch_size" => summary with { BatchSize = (long?)Number(value) },
        "halted" => summary with { Halted = Truthy(value) },
        "halted_reason" => summary with { HaltedReason = Text(value) },
        "driver" => summary with { Driver = Text(value) },
        "user" => summary with { User = Text(value) },
        "created" => summary with { Created = Number(value) },
        "last_progress" => summary with { LastProgress = Number(value) },
        _ => summary,
    };

    private static long Count(PayloadReader reader, PayloadToken token)
    {
        if (!token.IsContainer)
        {
            throw new PayloadFormatException("not a container", token.Offset);
        }

        var elements = token.Kind == PayloadTokenKind.Map ? token.Length * 2 : token.Length;
        for (long i = 0; i < elements; i++)
        {
            reader.ReadValue(TextDecoding.FileSemantics);
        }

        return token.Length;
    }

    private static BatchSummary Active(PayloadReader reader, PayloadToken token, BatchSummary summary)
    {
        if (token.Kind != PayloadTokenKind.Map)
        {
            throw new PayloadFormatException("active is not a map", token.Offset);
        }

        var minions = new List<string>();
        for (long i = 0; i < token.Length; i++)
        {
            minions.Add(Stringify(reader.ReadValue(TextDecoding.FileSemantics)));
            reader.ReadValue(TextDecoding.FileSemantics);
        }

        minions.Sort(StringComparer.Ordinal);
        return summary with { Active = token.Length, ActiveMinions = minions };
    }

    private static string? Text(object? value) => value is null ? null : Stringify(value);

    private static double? Number(object? value) => value switch
    {
        long number => number,
        ulong number => number,
        double number => number,
        _ => null,
    };

    /// <summary>Python's <c>bool()</c> of a loaded value.</summary>
    private static bool Truthy(object? value) => value switch
    {
        null => false,
        bool flag => flag,
        long number => number != 0,
        ulong => true,
        double number => number != 0,
        string text => text.Length != 0,
        byte[] bytes => bytes.Length != 0,
        List<object?> list => list.Count != 0,
        PayloadMap map => map.Count != 0,
        _ => true,
    };

    private static string Stringify(object? value) => value switch
    {
        null => "None",
        string text => text,
        byte[] bytes => Convert.ToHexString(bytes).ToLowerInvariant(),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}

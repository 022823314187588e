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
                "done" => Done(reader, token, summary),
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

    /// <summary>Each entry materialised; the last <c>retcode</c> key of a map value decides, a per-function map by its largest value.</summary>
    private static BatchSummary Done(PayloadReader reader, PayloadToken token, BatchSummary summary)
    {
        if (token.Kind != PayloadTokenKind.Map)
        {
            throw new PayloadFormatException("not a map", token.Offset);
        }

        long nonZero = 0;
        for (long i = 0; i < token.Length; i++)
        {
            reader.ReadValue(TextDecoding.FileSemantics);
            var stored = reader.ReadToken();
            if (stored.Kind != PayloadTokenKind.Map)
            {
                reader.ReadValue(stored, TextDecoding.FileSemantics);
                continue;
            }

            long retcode = 0;
            for (long j = 0; j < stored.Length; j++)
            {
                var key = reader.ReadValue(TextDecoding.FileSemantics);
                var valueToken = reader.ReadToken();
                if (key is not "retcode")
                {
                    reader.ReadValue(valueToken, TextDecoding.FileSemantics);
                }
                else if (valueToken.Kind == PayloadTokenKind.Map)
                {
                    long? largest = null;
                    for (long k = 0; k < valueToken.Length; k++)
                    {
                        reader.ReadValue(TextDecoding.FileSemantics);
                        var number = Retcode.Collapse(Scalar(reader.ReadValue(TextDecoding.FileSemantics)));
                        largest = Math.Max(largest ?? number, number);
                    }

                    retcode = largest ?? 0;
                }
                else
                {
                    retcode = Retcode.Collapse(Scalar(reader.ReadValue(valueToken, TextDecoding.FileSemantics)));
                }
            }

            nonZero += retcode != 0 ? 1 : 0;
        }

        return summary with { Completed = token.Length, NonZeroRetcodes = nonZero };
    }

    /// <summary>A nested map inside a per-function retcode map counts as 0, as a non-numeric value does.</summary>
    private static object? Scalar(object? value) => value is PayloadMap ? null : value;

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

using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Cache;

/// <summary>
/// Reads a <c>.batch.p</c> by streaming: collections are counted and skipped, so a state.apply over thousands of
/// minions (hundreds of MB in <c>done</c>) is summarised in constant memory.
/// </summary>
public static class BatchSummaryReader
{
    /// <summary>The summary, or null when the file does not exist or is empty (Salt's "no state").</summary>
    /// <exception cref="SaltBatchException">Corrupt, AccessDenied or CacheUnavailable.</exception>
    public static BatchSummary? Read(string path) => BatchStateFile.Read(path, Read);

    public static BatchSummary Read(PayloadReader reader)
    {
        var header = reader.ReadToken();
        if (header.Kind != PayloadTokenKind.Map)
        {
            throw new PayloadFormatException($"a batch state is a map, not {header.Kind.ToString().ToLowerInvariant()}", header.Offset);
        }

        var summary = new BatchSummary();
        for (long i = 0; i < header.Length; i++)
        {
            var key = reader.ReadValue(TextDecoding.FileSemantics) as string;
            summary = key switch
            {
                "jid" => summary with { Jid = ReadText(reader) },
                "fun" => summary with { Function = ReadText(reader) },
                "tgt" => summary with { Target = ReadTarget(reader) },
                "tgt_type" => summary with { TargetType = ReadText(reader) },
                "all_minions" => summary with { Total = CountEntries(reader, key) },
                "done" => ReadDone(reader, summary),
                "pending" => summary with { Pending = CountEntries(reader, key) },
                "failed" => summary with { Failed = CountEntries(reader, key) },
                "active" => ReadActive(reader, summary),
                "batch_size" => summary with { BatchSize = (long?)ReadNumber(reader) },
                "halted" => summary with { Halted = ReadTruthiness(reader) },
                "halted_reason" => summary with { HaltedReason = ReadText(reader) },
                "driver" => summary with { Driver = ReadText(reader) },
                "user" => summary with { User = ReadText(reader) },
                "created" => summary with { Created = ReadNumber(reader) },
                "last_progress" => summary with { LastProgress = ReadNumber(reader) },
                InitialBatchState.RelaunchOfKey => summary with { RelaunchOf = ReadText(reader) },
                _ => Skipped(reader, summary),
            };
        }

        return summary;
    }

    private static BatchSummary Skipped(PayloadReader reader, BatchSummary summary)
    {
        reader.SkipValue();
        return summary;
    }

    /// <summary>Python's <c>len()</c> of a list or dict, taken from the header; the entries are skipped unread.</summary>
    private static long CountEntries(PayloadReader reader, string key)
    {
        var token = reader.ReadToken();
        if (!token.IsContainer)
        {
            throw new PayloadFormatException($"'{key}' should be a list or map but is {token.Kind.ToString().ToLowerInvariant()}", token.Offset);
        }

        reader.Skip(token);
        return token.Length;
    }

    /// <summary>
    /// Counts <c>done</c> and, of its entries, those whose retcode is not 0: only each entry's <c>retcode</c> is read,
    /// its return is skipped unread. An entry that is not a map is a return with retcode 0, as the master stores it.
    /// </summary>
    private static BatchSummary ReadDone(PayloadReader reader, BatchSummary summary)
    {
        var token = reader.ReadToken();
        if (token.Kind != PayloadTokenKind.Map)
        {
            throw new PayloadFormatException($"'done' should be a map of minion to return but is {token.Kind.ToString().ToLowerInvariant()}", token.Offset);
        }

        long nonZero = 0;
        for (long i = 0; i < token.Length; i++)
        {
            reader.SkipValue();
            if (ReadDoneRetcode(reader) != 0)
            {
                nonZero++;
            }
        }

        return summary with { Completed = token.Length, NonZeroRetcodes = nonZero };
    }

    private static long ReadDoneRetcode(PayloadReader reader)
    {
        if (!reader.TryReadMapHeader(out var entries, out var stored))
        {
            reader.Skip(stored);
            return 0;
        }

        long retcode = 0;
        for (long i = 0; i < entries; i++)
        {
            if (reader.ReadStringEquals("retcode"u8))
            {
                retcode = Retcode.Collapse(reader);
            }
            else
            {
                reader.SkipValue();
            }
        }

        return retcode;
    }

    private static BatchSummary ReadActive(PayloadReader reader, BatchSummary summary)
    {
        var token = reader.ReadToken();
        if (token.Kind != PayloadTokenKind.Map)
        {
            throw new PayloadFormatException($"'active' should be a map of minion to dispatch time but is {token.Kind.ToString().ToLowerInvariant()}", token.Offset);
        }

        var minions = new List<string>((int)Math.Min(token.Length, 1024));
        for (long i = 0; i < token.Length; i++)
        {
            minions.Add(PythonText.Stringify(reader.ReadValue(TextDecoding.FileSemantics)));
            reader.SkipValue();
        }

        minions.Sort(StringComparer.Ordinal);
        return summary with { Active = token.Length, ActiveMinions = minions };
    }

    internal static string? ReadText(PayloadReader reader)
    {
        var value = reader.ReadValue(TextDecoding.FileSemantics);
        return value is null ? null : PythonText.Stringify(value);
    }

    private static string? ReadTarget(PayloadReader reader) =>
        reader.ReadValue(TextDecoding.FileSemantics) switch
        {
            null => null,
            List<object?> list => string.Join(",", list.Select(PythonText.Stringify)),
            var value => PythonText.Stringify(value),
        };

    internal static double? ReadNumber(PayloadReader reader)
    {
        var token = reader.ReadToken();
        if (token.AsDouble() is { } number)
        {
            return number;
        }

        reader.Skip(token);
        return null;
    }

    /// <summary>Python truthiness, as the runner's <c>bool(state.get("halted"))</c>.</summary>
    internal static bool ReadTruthiness(PayloadReader reader)
    {
        var token = reader.ReadToken();
        reader.Skip(token);
        return token.Kind switch
        {
            PayloadTokenKind.Nil => false,
            PayloadTokenKind.Boolean or PayloadTokenKind.Integer => token.Integer != 0,
            PayloadTokenKind.UnsignedInteger => true,
            PayloadTokenKind.Float => token.Float != 0,
            _ => token.Length != 0 || token.Kind == PayloadTokenKind.Extension,
        };
    }
}

using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Cache;

/// <summary>
/// Walks a <c>.batch.p</c> in file order and yields one <see cref="BatchMinion"/> per minion as soon as its entry is
/// read: <c>pending</c>, <c>active</c>, <c>done</c>, <c>failed</c>, in whatever order the file has them. Only the
/// current entry is ever held, and returns are skipped by seeking unless asked for, so a batch with hundreds of MB of
/// returns is listed in constant memory and the first minion arrives at once.
/// </summary>
public static class BatchMinionReader
{
    /// <summary>The minions of the path's batch, read lazily; a missing or empty file throws <paramref name="noState"/>'s failure.</summary>
    /// <exception cref="SaltBatchException">Corrupt (naming the file), AccessDenied or CacheUnavailable, while enumerating.</exception>
    public static IEnumerable<BatchMinion> Read(string path, BatchMinionQuery query, Func<SaltBatchException> noState) =>
        BatchStateFile.Stream(path, reader => Read(reader, query), noState);

    /// <summary>The minions of the document the reader is at; the reader stops right after the document's last value.</summary>
    /// <exception cref="PayloadFormatException">The document is not a batch state or is damaged.</exception>
    public static IEnumerable<BatchMinion> Read(PayloadReader reader, BatchMinionQuery query)
    {
        var header = reader.ReadToken();
        if (header.Kind != PayloadTokenKind.Map)
        {
            throw new PayloadFormatException($"a batch state is a map, not {Describe(header)}", header.Offset);
        }

        for (long i = 0; i < header.Length; i++)
        {
            if (SectionOf(reader.ReadValue(TextDecoding.FileSemantics)) is not { } state || !query.Includes(state))
            {
                reader.SkipValue();
                continue;
            }

            foreach (var minion in ReadSection(reader, state, query))
            {
                yield return minion;
            }
        }
    }

    private static BatchMinionState? SectionOf(object? key) => key switch
    {
        "pending" => BatchMinionState.Pending,
        "active" => BatchMinionState.Active,
        "done" => BatchMinionState.Done,
        "failed" => BatchMinionState.Failed,
        _ => null,
    };

    private static IEnumerable<BatchMinion> ReadSection(PayloadReader reader, BatchMinionState state, BatchMinionQuery query) => state switch
    {
        BatchMinionState.Pending => ReadPending(reader, query),
        BatchMinionState.Active => ReadActive(reader, query),
        BatchMinionState.Done => ReadDone(reader, query),
        _ => ReadFailed(reader, query),
    };

    private static IEnumerable<BatchMinion> ReadPending(PayloadReader reader, BatchMinionQuery query)
    {
        var list = Expect(reader, PayloadTokenKind.Array, "'pending' should be a list of minion ids");
        for (long i = 0; i < list.Length; i++)
        {
            var minion = ReadMinionId(reader);
            if (query.Includes(minion))
            {
                yield return new BatchMinion(minion, BatchMinionState.Pending);
            }
        }
    }

    private static IEnumerable<BatchMinion> ReadActive(PayloadReader reader, BatchMinionQuery query)
    {
        var map = Expect(reader, PayloadTokenKind.Map, "'active' should be a map of minion to dispatch time");
        for (long i = 0; i < map.Length; i++)
        {
            var minion = ReadMinionId(reader);
            var dispatched = reader.ReadToken();
            reader.Skip(dispatched);
            if (query.Includes(minion))
            {
                yield return new BatchMinion(minion, BatchMinionState.Active) { DispatchedAt = dispatched.AsDouble() };
            }
        }
    }

    private static IEnumerable<BatchMinion> ReadDone(PayloadReader reader, BatchMinionQuery query)
    {
        var map = Expect(reader, PayloadTokenKind.Map, "'done' should be a map of minion to return");
        for (long i = 0; i < map.Length; i++)
        {
            var minion = ReadMinionId(reader);
            if (query.Includes(minion))
            {
                yield return ReadStoredReturn(reader, minion, query);
            }
            else
            {
                reader.SkipValue();
            }
        }
    }

    /// <summary>
    /// A <c>done</c> value: a map with <c>ret</c> and <c>retcode</c> (CLI batches add keys such as <c>out</c>). A value
    /// that is not a map is taken as the return itself with retcode 0, as the master stores non-map event data.
    /// With an outcome filter, <c>ret</c> (which Salt writes before <c>retcode</c>) is skipped and decoded afterwards
    /// only when the retcode shows the minion is wanted, so <c>-Outcome Failed -IncludeReturn</c> decodes no
    /// succeeded minion's return.
    /// </summary>
    private static BatchMinion ReadStoredReturn(PayloadReader reader, string minion, BatchMinionQuery query)
    {
        var stored = reader.ReadToken();
        if (stored.Kind != PayloadTokenKind.Map)
        {
            var wanted = query.IncludeReturn && query.Includes(BatchMinionOutcomes.OfDone(retcode: 0));
            return new BatchMinion(minion, BatchMinionState.Done) { Retcode = 0, Return = ReadOrSkip(reader, stored, wanted) };
        }

        var decideLater = query.IncludeReturn && query.Outcomes is not null;
        object? retcode = null;
        object? ret = null;
        long? returnPosition = null;
        for (long i = 0; i < stored.Length; i++)
        {
            switch (reader.ReadValue(TextDecoding.FileSemantics))
            {
                case "retcode":
                    retcode = reader.ReadValue(TextDecoding.FileSemantics);
                    break;
                case "ret" when decideLater:
                    returnPosition = reader.Position;
                    reader.SkipValue();
                    break;
                case "ret":
                    ret = ReadOrSkip(reader, reader.ReadToken(), query.IncludeReturn);
                    break;
                default:
                    reader.SkipValue();
                    break;
            }
        }

        var collapsed = Retcode.Collapse(retcode);
        if (returnPosition is { } position && query.Includes(BatchMinionOutcomes.OfDone(collapsed)))
        {
            var end = reader.Position;
            reader.Reposition(position);
            ret = reader.ReadValue(TextDecoding.FileSemantics);
            reader.Reposition(end);
        }

        return new BatchMinion(minion, BatchMinionState.Done)
        {
            Retcode = collapsed,
            RetcodeDetail = retcode as PayloadMap,
            Return = ret,
        };
    }

    private static object? ReadOrSkip(PayloadReader reader, PayloadToken token, bool read)
    {
        if (read)
        {
            return reader.ReadValue(token, TextDecoding.FileSemantics);
        }

        reader.Skip(token);
        return null;
    }

    private static IEnumerable<BatchMinion> ReadFailed(PayloadReader reader, BatchMinionQuery query)
    {
        var map = Expect(reader, PayloadTokenKind.Map, "'failed' should be a map of minion to reason");
        for (long i = 0; i < map.Length; i++)
        {
            var minion = ReadMinionId(reader);
            var reason = reader.ReadValue(TextDecoding.FileSemantics);
            if (query.Includes(minion))
            {
                yield return new BatchMinion(minion, BatchMinionState.Failed) { Reason = reason is null ? null : PythonText.Stringify(reason) };
            }
        }
    }

    private static string ReadMinionId(PayloadReader reader) => PythonText.Stringify(reader.ReadValue(TextDecoding.FileSemantics));

    private static PayloadToken Expect(PayloadReader reader, PayloadTokenKind kind, string expectation)
    {
        var token = reader.ReadToken();
        return token.Kind == kind
            ? token
            : throw new PayloadFormatException($"{expectation} but is {Describe(token)}", token.Offset);
    }

    private static string Describe(PayloadToken token) => token.Kind.ToString().ToLowerInvariant();
}

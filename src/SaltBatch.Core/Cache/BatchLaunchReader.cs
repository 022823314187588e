using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Cache;

/// <summary>
/// Reads the launch parameters of a <c>.batch.p</c> by streaming: the minion collections, which hold the returns,
/// are skipped unread, so a relaunch of a batch with hundreds of MB of returns reads only its few parameter keys.
/// </summary>
public static class BatchLaunchReader
{
    private const string KeywordMarker = "__kwarg__";

    /// <summary>The launch parameters, or null when the file does not exist or is empty.</summary>
    /// <exception cref="SaltBatchException">Corrupt, AccessDenied or CacheUnavailable.</exception>
    public static BatchLaunch? Read(string path) => BatchStateFile.Read(path, Read);

    public static BatchLaunch Read(PayloadReader reader)
    {
        var header = reader.ReadToken();
        if (header.Kind != PayloadTokenKind.Map)
        {
            throw new PayloadFormatException($"a batch state is a map, not {header.Kind.ToString().ToLowerInvariant()}", header.Offset);
        }

        var launch = new BatchLaunch();
        List<object?>? arg = null;
        PayloadMap? kwargs = null;
        for (long i = 0; i < header.Length; i++)
        {
            var key = reader.ReadValue(TextDecoding.FileSemantics) as string;
            switch (key)
            {
                case "fun":
                    launch = launch with { Function = BatchSummaryReader.ReadText(reader) };
                    break;
                case "arg":
                    arg = reader.ReadValue(TextDecoding.FileSemantics) as List<object?>;
                    break;
                case "kwargs":
                    kwargs = reader.ReadValue(TextDecoding.FileSemantics) as PayloadMap;
                    break;
                case "batch_size":
                    launch = launch with { BatchSize = BatchSummaryReader.ReadNumber(reader) is { } size && size >= 1 ? (long)size : null };
                    break;
                case "batch_wait":
                    launch = launch with { BatchWait = BatchSummaryReader.ReadNumber(reader) is { } wait && wait > 0 ? wait : 0 };
                    break;
                case "timeout":
                    launch = launch with { Timeout = BatchSummaryReader.ReadNumber(reader) };
                    break;
                case "failhard":
                    launch = launch with { FailHard = BatchSummaryReader.ReadTruthiness(reader) };
                    break;
                case "ret":
                    launch = launch with { Returner = BatchSummaryReader.ReadText(reader) ?? string.Empty };
                    break;
                case InitialBatchState.RelaunchOfKey:
                    launch = launch with { RelaunchOf = BatchSummaryReader.ReadText(reader) };
                    break;
                default:
                    reader.SkipValue();
                    break;
            }
        }

        return WithArguments(launch, arg ?? [], kwargs);
    }

    /// <summary>Splits <c>arg</c> as the minion does: a map whose <c>__kwarg__</c> is exactly True holds keyword arguments, wherever it stands.</summary>
    private static BatchLaunch WithArguments(BatchLaunch launch, List<object?> arg, PayloadMap? kwargs)
    {
        var positional = new List<object?>(arg.Count);
        var keywords = new PayloadMap();
        foreach (var value in arg)
        {
            if (value is PayloadMap map && map.Get(KeywordMarker) is true)
            {
                AddKeywords(keywords, map);
            }
            else
            {
                positional.Add(value);
            }
        }

        if (kwargs is not null)
        {
            AddKeywords(keywords, kwargs);
        }

        return launch with
        {
            Arguments = positional,
            KeywordArguments = keywords.Select(entry => KeyValuePair.Create(PythonText.Stringify(entry.Key), entry.Value)).ToArray(),
        };
    }

    private static void AddKeywords(PayloadMap keywords, PayloadMap map)
    {
        foreach (var (name, value) in map)
        {
            if (name is not KeywordMarker)
            {
                keywords.Add(name, value);
            }
        }
    }
}

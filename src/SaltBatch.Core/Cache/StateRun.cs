using System.Globalization;
using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Cache;

/// <summary>
/// What Salt's highstate outputter sums up of a state run's return (<c>salt/output/highstate.py</c>): states that
/// succeeded (result True, or None as in test mode), changed (non-empty <c>changes</c>) and failed (result False), the
/// failed ones in run order; or, when the return is a list of messages, the errors that kept the states from compiling.
/// Any return of that shape counts, whatever the function (state.apply, state.sls, state.highstate, state.single, ...).
/// </summary>
public sealed record StateRun(int Succeeded, int Changed, int Failed, IReadOnlyList<FailedState> FailedStates, IReadOnlyList<string> Errors)
{
    /// <summary>The separator of Salt's state keys: <c>module_|-id_|-name_|-function</c>.</summary>
    private const string KeySeparator = "_|-";

    /// <summary>The summary of a state-shaped return; null for any other return.</summary>
    public static StateRun? Of(object? ret) => ret switch
    {
        PayloadMap states when states.Count > 0 && states.All(IsStateEntry) => Summarise(states),
        List<object?> errors when errors.Count > 0 && errors.All(error => error is string) => new StateRun(0, 0, 0, [], errors.Cast<string>().ToArray()),
        _ => null,
    };

    private static bool IsStateEntry(KeyValuePair<object?, object?> entry) =>
        entry.Key is string key && key.Contains(KeySeparator, StringComparison.Ordinal) && entry.Value is PayloadMap state && state.ContainsKey("result");

    private static StateRun Summarise(PayloadMap states)
    {
        int succeeded = 0, changed = 0, failed = 0;
        var failures = new List<FailedState>();
        foreach (var (key, value) in states)
        {
            var state = (PayloadMap)value!;
            if (state.Get("changes") is PayloadMap { Count: > 0 } or List<object?> { Count: > 0 } or string { Length: > 0 })
            {
                changed++;
            }

            if (state.Get("result") is false)
            {
                failed++;
                failures.Add(FailureOf((string)key!, state));
            }
            else
            {
                succeeded++;
            }
        }

        failures.Sort((left, right) => left.RunNumber.CompareTo(right.RunNumber));
        return new StateRun(succeeded, changed, failed, failures, []);
    }

    private static FailedState FailureOf(string key, PayloadMap state)
    {
        var parts = key.Split(KeySeparator);
        var function = parts.Length >= 4 ? $"{parts[0]}.{parts[^1]}" : parts[0];
        return new FailedState(
            Text(state.Get("__id__")) ?? (parts.Length > 1 ? parts[1] : key),
            function,
            Text(state.Get("name")) ?? (parts.Length > 2 ? parts[2] : string.Empty),
            state.Get("comment") switch
            {
                List<object?> lines => string.Join(Environment.NewLine, lines.Select(PythonText.Stringify)),
                var comment => Text(comment) ?? string.Empty,
            },
            Milliseconds(state.Get("duration")),
            state.Get("__run_num__") is long run ? run : long.MaxValue);
    }

    private static string? Text(object? value) => value is null ? null : PythonText.Stringify(value);

    /// <summary>A number, or text such as <c>"12.5 ms"</c> as older releases wrote it.</summary>
    private static double? Milliseconds(object? value) => value switch
    {
        long whole => whole,
        ulong whole => whole,
        double fraction => fraction,
        string text when double.TryParse(text.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };
}

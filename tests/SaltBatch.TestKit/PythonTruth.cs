using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit;

/// <summary>Python's <c>bool()</c> of a decoded payload value: how the master's code reads <c>if state["halted"]</c>.</summary>
internal static class PythonTruth
{
    public static bool Of(object? value) => value switch
    {
        null => false,
        bool flag => flag,
        long number => number != 0,
        double number => number != 0,
        string text => text.Length > 0,
        PayloadMap map => map.Count > 0,
        List<object?> list => list.Count > 0,
        _ => true,
    };
}

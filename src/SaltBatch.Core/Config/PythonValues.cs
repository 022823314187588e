using System.Numerics;

namespace SaltBatch.Core.Config;

/// <summary>The two Python value rules Salt's config code leans on: truthiness and == between loaded values.</summary>
internal static class PythonValues
{
    public static bool IsFalsy(object? value) => value switch
    {
        null => true,
        bool b => !b,
        long l => l == 0,
        BigInteger big => big.IsZero,
        double d => d == 0,
        string s => s.Length == 0,
        IReadOnlyList<object?> list => list.Count == 0,
        ConfigMapping map => map.Count == 0,
        _ => false,
    };

    public static bool AreEqual(object? a, object? b) => (a, b) switch
    {
        (ConfigMapping x, ConfigMapping y) => x.Count == y.Count
            && x.All(entry => y.TryGetValue(entry.Key, out var other) && AreEqual(entry.Value, other)),
        (IReadOnlyList<object?> x, IReadOnlyList<object?> y) => x.Count == y.Count
            && x.Zip(y).All(pair => AreEqual(pair.First, pair.Second)),
        _ => Equals(a, b),
    };
}

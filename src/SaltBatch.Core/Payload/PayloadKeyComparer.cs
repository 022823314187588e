using System.Globalization;

namespace SaltBatch.Core.Payload;

/// <summary>Map-key equality for non-text keys: byte strings by content, numbers by value, like Python's dict.</summary>
internal sealed class PayloadKeyComparer : IEqualityComparer<object>
{
    public static readonly PayloadKeyComparer Instance = new();

    public static bool Equal(object? left, object? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        if (left is byte[] leftBytes && right is byte[] rightBytes)
        {
            return leftBytes.AsSpan().SequenceEqual(rightBytes);
        }

        // Integers compare exactly: through double, 2**63 and 2**63 + 1 would be one key, which Python keeps apart.
        if (IsInteger(left) && IsInteger(right))
        {
            return ToInt128(left) == ToInt128(right);
        }

        if (IsNumber(left) && IsNumber(right))
        {
            return Convert.ToDouble(left, CultureInfo.InvariantCulture).Equals(Convert.ToDouble(right, CultureInfo.InvariantCulture));
        }

        return left.Equals(right);
    }

    /// <summary>
    /// A hash consistent with <see cref="Equal"/>: every number hashes through its double value, since any two numbers
    /// that are equal have the same double (integers that merely share a double only collide).
    /// </summary>
    public static int Hash(object key) => key switch
    {
        byte[] bytes => HashBytes(bytes),
        _ when IsNumber(key) => NormalisedDouble(Convert.ToDouble(key, CultureInfo.InvariantCulture)).GetHashCode(),
        _ => key.GetHashCode(),
    };

    bool IEqualityComparer<object>.Equals(object? left, object? right) => Equal(left, right);

    int IEqualityComparer<object>.GetHashCode(object key) => Hash(key);

    private static int HashBytes(byte[] bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }

    private static double NormalisedDouble(double value) => value == 0 ? 0 : double.IsNaN(value) ? double.NaN : value;

    private static bool IsNumber(object value) => value is long or ulong or double or bool;

    private static bool IsInteger(object value) => value is long or ulong or bool;

    private static Int128 ToInt128(object value) => value switch
    {
        long number => number,
        ulong number => number,
        _ => (bool)value ? 1 : 0,
    };
}

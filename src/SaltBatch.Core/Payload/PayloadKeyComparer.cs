namespace SaltBatch.Core.Payload;

/// <summary>Map-key equality for non-text keys: byte strings by content, numbers by value, like Python's dict.</summary>
internal static class PayloadKeyComparer
{
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
            return Convert.ToDouble(left, System.Globalization.CultureInfo.InvariantCulture)
                .Equals(Convert.ToDouble(right, System.Globalization.CultureInfo.InvariantCulture));
        }

        return left.Equals(right);
    }

    private static bool IsNumber(object value) => value is long or ulong or double or bool;

    private static bool IsInteger(object value) => value is long or ulong or bool;

    private static Int128 ToInt128(object value) => value switch
    {
        long number => number,
        ulong number => number,
        _ => (bool)value ? 1 : 0,
    };
}

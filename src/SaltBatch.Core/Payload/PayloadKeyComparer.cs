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

        if (IsNumber(left) && IsNumber(right))
        {
            return Convert.ToDouble(left, System.Globalization.CultureInfo.InvariantCulture)
                .Equals(Convert.ToDouble(right, System.Globalization.CultureInfo.InvariantCulture));
        }

        return left.Equals(right);
    }

    private static bool IsNumber(object value) => value is long or ulong or double or bool;
}

using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace SaltBatch.Core.Config;

/// <summary>
/// Types a plain YAML scalar as PyYAML's safe loader does (YAML 1.1 implicit resolvers), with Salt's one tweak:
/// leading zeros are dropped before an integer is built, so <c>0755</c> is 755, not octal 493
/// (salt/utils/yamlloader.py, <c>SaltYamlSafeLoader.construct_scalar</c>).
/// </summary>
internal static class Yaml11Scalars
{
    private static readonly HashSet<string> Trues = new(StringComparer.Ordinal)
    {
        "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
    };

    private static readonly HashSet<string> Falses = new(StringComparer.Ordinal)
    {
        "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
    };

    private static readonly HashSet<string> Nulls = new(StringComparer.Ordinal) { "", "~", "null", "Null", "NULL" };

    private static readonly Regex IntPattern = new(
        @"\A(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)\z",
        RegexOptions.CultureInvariant);

    private static readonly Regex FloatPattern = new(
        @"\A(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\z",
        RegexOptions.CultureInvariant);

    /// <summary>null, bool, long (or BigInteger beyond long), double, or the text itself.</summary>
    public static object? Resolve(string text)
    {
        if (Nulls.Contains(text))
        {
            return null;
        }

        if (Trues.Contains(text))
        {
            return true;
        }

        if (Falses.Contains(text))
        {
            return false;
        }

        if (IntPattern.IsMatch(text))
        {
            return ConstructInt(text);
        }

        return FloatPattern.IsMatch(text) ? ConstructFloat(text) : text;
    }

    private static object ConstructInt(string text)
    {
        if (text != "0" && text.StartsWith('0') && !text.StartsWith("0b", StringComparison.Ordinal)
            && !text.StartsWith("0x", StringComparison.Ordinal))
        {
            text = text.TrimStart('0');
        }

        var value = text.Replace("_", string.Empty, StringComparison.Ordinal);
        var negative = value.StartsWith('-');
        if (value.StartsWith('-') || value.StartsWith('+'))
        {
            value = value[1..];
        }

        BigInteger magnitude;
        if (value.StartsWith("0b", StringComparison.Ordinal))
        {
            magnitude = ParseDigits(value[2..], 2);
        }
        else if (value.StartsWith("0x", StringComparison.Ordinal))
        {
            magnitude = ParseDigits(value[2..], 16);
        }
        else if (value.StartsWith('0'))
        {
            // Only a signed literal reaches here with its leading zero intact: PyYAML reads it as octal.
            magnitude = ParseDigits(value, 8);
        }
        else if (value.Contains(':', StringComparison.Ordinal))
        {
            magnitude = value.Split(':').Aggregate(BigInteger.Zero, (total, part) => (total * 60) + ParseDigits(part, 10));
        }
        else
        {
            magnitude = ParseDigits(value, 10);
        }

        var result = negative ? -magnitude : magnitude;
        return result >= long.MinValue && result <= long.MaxValue ? (object)(long)result : result;
    }

    private static BigInteger ParseDigits(string digits, int radix)
    {
        var value = BigInteger.Zero;
        foreach (var digit in digits)
        {
            value = (value * radix) + Convert.ToInt32(digit.ToString(), 16);
        }

        return value;
    }

    private static double ConstructFloat(string text)
    {
        var value = text.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        var sign = value.StartsWith('-') ? -1.0 : 1.0;
        if (value.StartsWith('-') || value.StartsWith('+'))
        {
            value = value[1..];
        }

        if (value == ".inf")
        {
            return sign * double.PositiveInfinity;
        }

        if (value == ".nan")
        {
            return double.NaN;
        }

        if (value.Contains(':', StringComparison.Ordinal))
        {
            return sign * value.Split(':').Aggregate(0.0, (total, part) => (total * 60) + ParseFloat(part));
        }

        return sign * ParseFloat(value);
    }

    private static double ParseFloat(string text) =>
        double.Parse(text.EndsWith('.') ? text + "0" : text, NumberStyles.Float, CultureInfo.InvariantCulture);
}

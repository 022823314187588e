using System.Globalization;
using System.Text;

namespace SaltBatch.Core.Cache;

/// <summary>Salt's JID rules (<c>salt.utils.jid.is_jid</c>, reference §4.2), checked before any file or socket is touched.</summary>
public static class Jid
{
    private const int TimestampLength = 20;

    /// <summary>
    /// Text of exactly 20 characters, or longer than 21 with <c>_</c> at index 20 (the <c>unique_jid</c> form), whose
    /// first 20 characters parse as a Python <c>int</c> (surrounding whitespace, a sign and single underscores between
    /// digits allowed, like Python).
    /// </summary>
    public static bool IsValid(string? text)
    {
        if (text is null)
        {
            return false;
        }

        var wellSized = text.Length == TimestampLength || (text.Length > TimestampLength + 1 && text[TimestampLength] == '_');
        return wellSized && ParsesAsPythonInt(text.AsSpan(0, TimestampLength));
    }

    /// <summary>A new JID as <c>salt.utils.jid.gen_jid</c> makes one: the UTC time as <c>YYYYMMDDhhmmssffffff</c> (§4.2).</summary>
    public static string Generate(DateTime utcNow) =>
        utcNow.ToUniversalTime().ToString("yyyyMMddHHmmssffffff", CultureInfo.InvariantCulture);

    /// <summary>Throws <see cref="SaltBatchException"/> (InvalidJid) with a message that says what a JID looks like.</summary>
    public static string Validate(string? text)
    {
        if (IsValid(text))
        {
            return text!;
        }

        throw new SaltBatchException(
            SaltFailureKind.InvalidJid,
            $"'{Describe(text)}' is not a Salt job ID. A JID is 20 digits (YYYYMMDDhhmmssffffff, e.g. 20240610120000000000), optionally followed by '_' and a suffix.",
            Describe(text));
    }

    /// <summary>A JID-like text made safe to echo in one line: control characters escaped, long text shortened.</summary>
    public static string Describe(string? text)
    {
        if (text is null)
        {
            return "<null>";
        }

        var builder = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (builder.Length >= 64)
            {
                builder.Append('…');
                break;
            }

            builder.Append(Rune.IsControl(rune) ? $"\\u{rune.Value:x4}" : rune.ToString());
        }

        return builder.ToString();
    }

    private static bool ParsesAsPythonInt(ReadOnlySpan<char> text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length > 0 && (trimmed[0] == '+' || trimmed[0] == '-'))
        {
            trimmed = trimmed[1..];
        }

        if (trimmed.IsEmpty || trimmed[0] == '_' || trimmed[^1] == '_')
        {
            return false;
        }

        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (c == '_')
            {
                if (trimmed[i - 1] == '_')
                {
                    return false;
                }
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.DecimalDigitNumber)
            {
                return false;
            }
        }

        return true;
    }
}

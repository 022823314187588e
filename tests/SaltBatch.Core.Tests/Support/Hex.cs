namespace SaltBatch.Core.Tests.Support;

/// <summary>Hex as the reference document writes it: byte pairs separated by any whitespace.</summary>
public static class Hex
{
    public static byte[] Parse(string text) =>
        Convert.FromHexString(new string(text.Where(Uri.IsHexDigit).ToArray()));

    public static string Of(byte[] bytes) => Convert.ToHexStringLower(bytes);
}

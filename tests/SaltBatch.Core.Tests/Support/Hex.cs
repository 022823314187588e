namespace SaltBatch.Core.Tests.Support;

internal static class Hex
{
    /// <summary>Parses a reference-style listing: hex pairs separated by spaces and line breaks.</summary>
    public static byte[] Parse(string listing) =>
        Convert.FromHexString(string.Concat(listing.Where(Uri.IsHexDigit)));
}

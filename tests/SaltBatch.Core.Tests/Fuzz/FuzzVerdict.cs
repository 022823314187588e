namespace SaltBatch.Core.Tests.Fuzz;

/// <summary>
/// Why one fuzz input broke a property. The message shows the start of the input; the whole input is saved as a hex
/// file (named in the message) ready to be added to <c>Fuzz/corpus/</c>.
/// </summary>
public sealed class FuzzVerdict(string target, byte[] input, string problem, Exception? cause = null)
    : Exception(Describe(target, input, problem), cause)
{
    private const int ShownBytes = 96;

    public string Target { get; } = target;

    public byte[] Input { get; } = input;

    private static string Describe(string target, byte[] input, string problem)
    {
        var hex = Convert.ToHexStringLower(input);
        var path = Path.Combine(Path.GetTempPath(), $"saltbatch-fuzz-{target}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(input))[..12]}.hex");
        File.WriteAllText(path, hex);
        var shown = input.Length <= ShownBytes ? hex : hex[..(ShownBytes * 2)] + "…";
        return $"{target}: {problem} for the {input.Length}-byte input {shown} (saved to {path})";
    }
}

using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Fuzz;

/// <summary>
/// The kept inputs under <c>Fuzz/corpus/</c>: one hex file per input (whitespace ignored), among them every input a
/// campaign found a fault with. Named <c>&lt;target&gt;-&lt;what&gt;.hex</c>; every input runs through every target.
/// </summary>
internal static class FuzzCorpus
{
    public static IEnumerable<(string Name, byte[] Input)> Load()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Fuzz", "corpus");
        return Directory.EnumerateFiles(directory, "*.hex")
            .Order(StringComparer.Ordinal)
            .Select(path => (Path.GetFileName(path), Hex.Parse(File.ReadAllText(path))));
    }
}

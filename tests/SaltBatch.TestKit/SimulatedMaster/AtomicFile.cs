namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// Salt's <c>atomic_open</c> (reference §3.3): a <c>.___atomic_write*</c> temp file (mode 0600) in the target's
/// directory, the target's mode copied onto it, then rename(2) over the target, so readers see old or new, never half.
/// </summary>
public static class AtomicFile
{
    public const string TempPrefix = ".___atomic_write";

    public static void Write(string path, byte[] content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, TempPrefix + Path.GetRandomFileName().Replace(".", string.Empty, StringComparison.Ordinal));
        try
        {
            using (var stream = OwnerOnlyFile.CreateNew(temp))
            {
                stream.Write(content);
            }

            if (File.Exists(path))
            {
                OwnerOnlyFile.CopyMode(path, temp);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}

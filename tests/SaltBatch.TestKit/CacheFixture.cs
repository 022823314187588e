using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;
using SaltBatch.TestKit.SimulatedMaster;

namespace SaltBatch.TestKit;

/// <summary>
/// Lays out a master cache directory the way the master writes it: <c>.batch.p</c> under the hashed job directory
/// (§2.1, §4.1) and the <c>batch_active.p</c> index (§3), each written through a temp file and a rename (§3.3).
/// </summary>
public static class CacheFixture
{
    /// <summary>The name prefix of Salt's <c>atomic_open</c> temp files; readers must ignore such files.</summary>
    public const string AtomicTempPrefix = AtomicFile.TempPrefix;

    /// <summary>Writes the state's <c>.batch.p</c> where the core's layout puts it and returns its path.</summary>
    public static string WriteBatch(string cacheDir, string hashType, BatchStateFixture fixture) =>
        WriteBatch(new JobCacheLayout(cacheDir, hashType), fixture);

    public static string WriteBatch(JobCacheLayout layout, BatchStateFixture fixture)
    {
        var path = layout.BatchStatePath(fixture.Jid);
        WriteAtomically(path, fixture.ToBytes());
        return path;
    }

    /// <summary>
    /// Writes <c>&lt;cachedir&gt;/batch_active.p</c> as <c>dumps(sorted(set(jids)))</c> and returns its path. Ordinal
    /// order equals Python's code-point order for every JID that is not outside the BMP.
    /// </summary>
    public static string WriteActiveIndex(string cacheDir, IEnumerable<string> jids) =>
        WriteActiveIndex(new JobCacheLayout(cacheDir, "sha256"), jids, sort: true);

    /// <param name="sort">False writes the JIDs exactly as given, to prove readers sort and de-duplicate themselves.</param>
    public static string WriteActiveIndex(JobCacheLayout layout, IEnumerable<string> jids, bool sort)
    {
        var entries = sort ? jids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal) : jids;
        WriteAtomically(layout.ActiveIndexPath, PayloadWriter.Pack(entries.ToList<object?>(), useBinType: false));
        return layout.ActiveIndexPath;
    }

    /// <summary>Salt's <c>atomic_open</c>: a concurrent reader sees the old or the new file whole.</summary>
    public static void WriteAtomically(string path, byte[] contents) => AtomicFile.Write(path, contents);
}

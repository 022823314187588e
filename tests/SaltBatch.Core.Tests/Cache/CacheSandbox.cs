using SaltBatch.Core.Batches;
using SaltBatch.Core.Cache;
using SaltBatch.TestKit;

namespace SaltBatch.Core.Tests.Cache;

/// <summary>A throw-away master cache directory with a catalog over it, removed on dispose.</summary>
public sealed class CacheSandbox : IDisposable
{
    public CacheSandbox()
    {
        Layout = new JobCacheLayout(Directory.CreateTempSubdirectory("saltbatch-cache-").FullName, "sha256");
        Catalog = new BatchCatalog(Layout);
    }

    public JobCacheLayout Layout { get; }

    public BatchCatalog Catalog { get; }

    public string Write(BatchStateFixture fixture) => CacheFixture.WriteBatch(Layout, fixture);

    public string WriteRaw(string jid, byte[] contents)
    {
        var path = Layout.BatchStatePath(jid);
        CacheFixture.WriteAtomically(path, contents);
        return path;
    }

    public void Dispose() => Directory.Delete(Layout.CacheDir, recursive: true);
}

using SaltBatch.Core;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Platform;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// <c>batch_active.p</c> (reference §3): a sorted msgpack array of JIDs, rewritten whole on every change. In a cache
/// directory that belongs to the master's account it is written as that account, as a master running as it leaves it.
/// </summary>
public sealed class ActiveBatchIndex
{
    private readonly string _path;
    private readonly UnixOwner? _writeAs;

    /// <param name="writeAs">The master's account, for a simulated master running as root; null writes as this process.</param>
    public ActiveBatchIndex(string path, UnixOwner? writeAs = null)
    {
        _path = path;
        _writeAs = writeAs;
    }

    /// <summary>Missing, empty or corrupt files read as an empty set, as Salt does.</summary>
    public SortedSet<string> Read()
    {
        try
        {
            return new SortedSet<string>(ActiveIndexReader.Read(_path, out _), StringComparer.Ordinal);
        }
        catch (SaltBatchException error) when (error.Kind == SaltFailureKind.Corrupt)
        {
            // Salt logs and treats the index as empty; the next write replaces it.
            return new SortedSet<string>(StringComparer.Ordinal);
        }
    }

    public void Add(string jid) => Update(jids => jids.Add(jid));

    /// <summary>Rewrites the file even when the JID was not listed, as Salt's discard does.</summary>
    public void Remove(string jid) => Update(jids => jids.Remove(jid));

    /// <summary>Writes exactly these JIDs, sorted.</summary>
    public void Write(SortedSet<string> jids)
    {
        var bytes = PayloadWriter.Pack(jids.ToList(), useBinType: false);
        var cacheIsTheAccounts = _writeAs is { } account && UnixAccounts.OwnerOf(Path.GetDirectoryName(Path.GetFullPath(_path))!)?.Uid == account.Uid;
        MasterIdentity.Run(cacheIsTheAccounts ? _writeAs : null, () =>
        {
            AtomicFile.Write(_path, bytes);
            return true;
        });
    }

    private void Update(Action<SortedSet<string>> change)
    {
        var jids = Read();
        change(jids);
        Write(jids);
    }
}

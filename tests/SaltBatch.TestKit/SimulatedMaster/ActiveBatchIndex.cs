using SaltBatch.Core;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary><c>batch_active.p</c> (reference §3): a sorted msgpack array of JIDs, rewritten whole on every change.</summary>
public sealed class ActiveBatchIndex
{
    private readonly string _path;

    public ActiveBatchIndex(string path) => _path = path;

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
    public void Write(SortedSet<string> jids) => AtomicFile.Write(_path, PayloadWriter.Pack(jids.ToList(), useBinType: false));

    private void Update(Action<SortedSet<string>> change)
    {
        var jids = Read();
        change(jids);
        Write(jids);
    }
}

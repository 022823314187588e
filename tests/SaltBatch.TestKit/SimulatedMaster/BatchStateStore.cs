using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>Reads and writes <c>.batch.p</c> files the way the BatchManager does (reference §2.5).</summary>
public sealed class BatchStateStore(JobCacheLayout layout)
{
    /// <summary>The state, or null when the file is missing, empty or not a msgpack map (Salt's "none").</summary>
    public PayloadMap? Read(string jid)
    {
        var path = layout.BatchStatePath(jid);
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            return null;
        }

        try
        {
            return PayloadReader.ReadDocument(File.ReadAllBytes(path), TextDecoding.FileSemantics) as PayloadMap;
        }
        catch (PayloadFormatException)
        {
            return null;
        }
    }

    public void Write(string jid, PayloadMap state) =>
        AtomicFile.Write(layout.BatchStatePath(jid), PayloadWriter.Pack(state, useBinType: false));

    /// <summary>Every readable state under <c>jobs/</c>, for deriving the accepted minions.</summary>
    public IEnumerable<PayloadMap> ReadAll()
    {
        if (!Directory.Exists(layout.JobsDir))
        {
            yield break;
        }

        foreach (var path in Directory.EnumerateFiles(layout.JobsDir, ".batch.p", SearchOption.AllDirectories))
        {
            PayloadMap? state = null;
            try
            {
                state = PayloadReader.ReadDocument(File.ReadAllBytes(path), TextDecoding.FileSemantics) as PayloadMap;
            }
            catch (Exception error) when (error is PayloadFormatException or IOException)
            {
                // Unreadable states name no minions; the master would not have adopted them either.
            }

            if (state is not null)
            {
                yield return state;
            }
        }
    }
}

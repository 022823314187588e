using System.Globalization;
using System.Text.Json.Nodes;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// A busy BatchManager's traffic on <c>batch_active.p</c>: every millisecond it reads the index, pauses (the window in
/// which another writer's change can cross ours), adds a JID of a batch of its own and retires its oldest, and writes.
/// It applies only its own change to what it read, so an entry another writer drops stays dropped and one it brings
/// back stays back: at the end, the index holds exactly <c>live</c> plus the batches others added, or someone's write
/// lost or resurrected an entry.
/// </summary>
public sealed class IndexTraffic : IDisposable
{
    private const int LiveBatches = 5;

    private readonly ActiveBatchIndex _index;
    private readonly object _gate;
    private readonly MasterJournal _journal;
    private readonly SortedSet<string> _live = new(StringComparer.Ordinal);
    private readonly Ticker _ticker;
    private long _writes;

    /// <param name="gate">The master's lock around its own index writes (its BatchManager is one thread).</param>
    public IndexTraffic(ActiveBatchIndex index, object gate, MasterJournal journal)
    {
        _index = index;
        _gate = gate;
        _journal = journal;
        _ticker = new Ticker(TimeSpan.FromMilliseconds(1), Step);
    }

    public void Dispose()
    {
        _ticker.Dispose();
        _journal.Add(JournalKinds.IndexTraffic, new JsonObject
        {
            ["writes"] = _writes,
            ["live"] = new JsonArray(_live.Select(jid => (JsonNode?)jid).ToArray()),
        });
    }

    private void Step()
    {
        lock (_gate)
        {
            var jids = _index.Read();
            Thread.Sleep(1);
            // JIDs of 1999, so they never meet a batch of today.
            var added = "1999" + (++_writes).ToString("D16", CultureInfo.InvariantCulture);
            _live.Add(added);
            jids.Add(added);
            if (_live.Count > LiveBatches)
            {
                var oldest = _live.Min!;
                _live.Remove(oldest);
                jids.Remove(oldest);
            }

            _index.Write(jids);
        }
    }
}

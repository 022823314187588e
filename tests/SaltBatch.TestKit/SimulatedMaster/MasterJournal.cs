using System.Text;
using System.Text.Json.Nodes;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// Everything observable the master did, kept in memory for in-process tests and appended to a JSON-lines file for
/// out-of-process callers (Pester). The in-memory list is capped so a chatty client cannot grow it without bound.
/// </summary>
public sealed class MasterJournal
{
    public const int MaxRecords = 10_000;

    private readonly List<JournalRecord> _records = [];
    private readonly object _gate = new();
    private readonly string _path;

    public MasterJournal(string path)
    {
        _path = path;
        File.WriteAllText(_path, string.Empty);
    }

    public string Path => _path;

    public void Add(string kind, JsonObject fields)
    {
        var record = new JournalRecord(kind, DateTimeOffset.UtcNow, fields);
        lock (_gate)
        {
            if (_records.Count < MaxRecords)
            {
                _records.Add(record);
            }

            File.AppendAllText(_path, record.ToJsonLine() + "\n", Encoding.UTF8);
            Monitor.PulseAll(_gate);
        }
    }

    public IReadOnlyList<JournalRecord> Snapshot()
    {
        lock (_gate)
        {
            return _records.ToArray();
        }
    }

    public IReadOnlyList<JournalRecord> OfKind(string kind) => Snapshot().Where(record => record.Kind == kind).ToArray();

    /// <summary>The first record matching <paramref name="match"/>, waiting up to <paramref name="timeout"/>; null when none came.</summary>
    public JournalRecord? WaitFor(Func<JournalRecord, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            while (true)
            {
                var found = _records.FirstOrDefault(match);
                var left = deadline - DateTime.UtcNow;
                if (found is not null || left <= TimeSpan.Zero)
                {
                    return found;
                }

                Monitor.Wait(_gate, left);
            }
        }
    }
}

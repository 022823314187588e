using System.Collections.Concurrent;

namespace SaltBatch;

/// <summary>
/// Verbose lines from the core's background work: any thread adds (<see cref="Add"/>), and the cmdlet writes them on
/// the pipeline thread (<see cref="WriteTo"/>), the one thread PowerShell lets write.
/// </summary>
internal sealed class NoteQueue
{
    private readonly ConcurrentQueue<string> _notes = new();

    public void Add(string note) => _notes.Enqueue(note);

    public void WriteTo(Action<string> writeVerbose)
    {
        while (_notes.TryDequeue(out var note))
        {
            writeVerbose(note);
        }
    }
}

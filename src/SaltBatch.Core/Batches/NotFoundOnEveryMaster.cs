namespace SaltBatch.Core.Batches;

/// <summary>
/// The rule for a JID asked of several masters: a JID lives on one master, so "not found" from one is no error when
/// another has it, and is reported after every master answered, each master's own, when none has it. Every other failure counts as
/// the batch being found (the master had it and failed on it) and is reported as it comes. With one master there is
/// nothing to wait for: "not found" is reported at once. Used on one thread.
/// </summary>
public sealed class NotFoundOnEveryMaster
{
    private readonly bool _severalMasters;
    private readonly HashSet<string> _found = new(StringComparer.Ordinal);
    private readonly List<(string Jid, SaltBatchException Failure)> _notFound = [];

    public NotFoundOnEveryMaster(int masterCount)
    {
        _severalMasters = masterCount > 1;
    }

    /// <summary>A master answered for <paramref name="jid"/> with <paramref name="failure"/> (null: with the batch); false when the answer is to be reported now.</summary>
    public bool HoldBack(string jid, SaltBatchException? failure)
    {
        if (_severalMasters && failure?.Kind == SaltFailureKind.NotFound)
        {
            _notFound.Add((jid, failure));
            return true;
        }

        _found.Add(jid);
        return false;
    }

    /// <summary>Once every master answered: for each JID that no master had, every master's "not found", in the order they came.</summary>
    public IEnumerable<(string Jid, SaltBatchException Failure)> NowhereFound() =>
        _notFound.Where(missing => !_found.Contains(missing.Jid));
}

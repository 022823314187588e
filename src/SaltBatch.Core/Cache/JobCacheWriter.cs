using System.Text;
using SaltBatch.Core.Platform;

namespace SaltBatch.Core.Cache;

/// <summary>
/// Writes a new batch into the master's job cache as the master itself would have: the job directory and its
/// <c>jid</c> file as <c>local_cache.prep_jid</c> makes them (reference §4.3), <c>.batch.p</c> and the
/// <c>batch_active.p</c> entry through <see cref="AtomicFile"/> (§2.5, §3.3), everything owned by the master's user.
/// </summary>
public sealed class JobCacheWriter
{
    /// <summary>A rewrite racing the BatchManager's own can lose our entry; re-reading tells, and this many tries end it.</summary>
    private const int IndexAttempts = 10;

    private const UnixFileMode DefaultDirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode ExecuteBits = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly JobCacheLayout _layout;
    private readonly UnixOwner? _owner;

    /// <param name="owner">Owner for everything created (see <see cref="CacheOwnership"/>); null keeps the process's.</param>
    public JobCacheWriter(JobCacheLayout layout, UnixOwner? owner)
    {
        _layout = layout;
        _owner = owner;
    }

    /// <summary>
    /// Creates the job directory (and its parents under <c>jobs/</c>) and the <c>jid</c> file. New directories get the
    /// mode of <c>jobs/</c>, which the master made under its own umask (0755 when there is none yet), and the
    /// <c>jid</c> file the same without execute bits, as <c>os.makedirs</c> and <c>open(..., "wb+")</c> give the master.
    /// </summary>
    /// <returns>The job directory.</returns>
    public string CreateJobDirectory(string jid)
    {
        var directory = _layout.JidDirectory(jid);
        var mode = Directory.Exists(_layout.JobsDir) && !OperatingSystem.IsWindows() ? File.GetUnixFileMode(_layout.JobsDir) : DefaultDirectoryMode;
        Guarded(directory, () =>
        {
            foreach (var path in new[] { _layout.JobsDir, Path.GetDirectoryName(directory)!, directory })
            {
                if (!Directory.Exists(path))
                {
                    Directory.CreateDirectory(path);
                    SetMode(path, mode);
                    GiveAway(path);
                }
            }

            var jidFile = Path.Combine(directory, "jid");
            File.WriteAllBytes(jidFile, Encoding.UTF8.GetBytes(jid));
            SetMode(jidFile, mode & ~ExecuteBits);
            GiveAway(jidFile);
        });
        return directory;
    }

    /// <returns>The path of the <c>.batch.p</c> written.</returns>
    public string WriteBatchState(InitialBatchState state)
    {
        var path = _layout.BatchStatePath(state.Jid);
        AtomicFile.Write(path, state.ToBytes(), _owner);
        return path;
    }

    /// <summary>
    /// <c>add_to_active_index</c>: read the index, add the JID, write the sorted list. The BatchManager rewrites the
    /// index the same way with no lock, so the last writer wins; the index is read back until it shows the JID.
    /// </summary>
    /// <returns>How many writes it took.</returns>
    /// <exception cref="SaltBatchException">Timeout when the JID never stuck; AccessDenied.</exception>
    public int AddToActiveIndex(string jid, Action<string> log)
    {
        var path = _layout.ActiveIndexPath;
        for (var attempt = 1; attempt <= IndexAttempts; attempt++)
        {
            var jids = new SortedSet<string>(ReadIndex(path, log), StringComparer.Ordinal) { jid };
            AtomicFile.Write(path, Payload.PayloadWriter.Pack(jids.ToList(), useBinType: false), _owner);
            if (ReadIndex(path, log).Contains(jid))
            {
                return attempt;
            }

            log($"{path} was rewritten by someone else right after our write and lost {jid}; writing it again.");
        }

        throw new SaltBatchException(
            SaltFailureKind.Timeout,
            $"{jid} did not stay in {path} after {IndexAttempts} writes: another process keeps rewriting the index without it.",
            path);
    }

    /// <summary>Salt reads a corrupt index as empty and overwrites it; so does this, saying so.</summary>
    private static IReadOnlyList<string> ReadIndex(string path, Action<string> log)
    {
        try
        {
            return ActiveIndexReader.Read(path, out _);
        }
        catch (SaltBatchException corrupt) when (corrupt.Kind == SaltFailureKind.Corrupt)
        {
            log($"{corrupt.Message} It is replaced, as the master would replace it.");
            return [];
        }
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private void GiveAway(string path)
    {
        if (_owner is { } owner)
        {
            UnixAccounts.ChangeOwner(path, owner);
        }
    }

    private static void Guarded(string path, Action step)
    {
        try
        {
            step();
        }
        catch (UnauthorizedAccessException denied)
        {
            throw new SaltBatchException(
                SaltFailureKind.AccessDenied,
                $"Permission denied creating '{path}' as user '{UnixAccounts.EffectiveUserName()}' ({denied.Message}). Run as root or as the Salt master's user.",
                path,
                denied);
        }
    }
}

using System.Text;
using SaltBatch.Core.Platform;

namespace SaltBatch.Core.Cache;

/// <summary>
/// Writes a new batch into the master's job cache as the master itself would have: the job directory and its
/// <c>jid</c> file as <c>local_cache.prep_jid</c> makes them (reference §4.3), <c>.batch.p</c> and the
/// <c>batch_active.p</c> entry through <see cref="AtomicFile"/> (§2.5, §3.3). As root for a master that runs as another
/// account, every step runs with that account's identity (<see cref="MasterIdentity"/>): files are born the master's,
/// and nothing in a directory the master's account can write is created, truncated, chmod-ed or chown-ed with root's
/// rights, so a symlink planted there leads nowhere the master's account could not already go.
/// </summary>
public sealed class JobCacheWriter
{
    /// <summary>Each try reads the index, and writes it only if nobody replaced it meanwhile; this many end it.</summary>
    private const int IndexAttempts = 10;

    private static readonly TimeSpan FirstIndexPoll = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan LongestIndexPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>EEXIST as .NET reports it on Unix: a name we create exclusively was taken between our steps.</summary>
    private const int AlreadyExists = 17;

    private const UnixFileMode DefaultDirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode ExecuteBits = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly JobCacheLayout _layout;
    private readonly UnixOwner? _masterIdentity;
    private readonly string _writer;

    /// <param name="masterIdentity">The master's uid and gid to write with (see <see cref="CacheOwnership"/>); null writes as this process, which is then the master's user.</param>
    public JobCacheWriter(JobCacheLayout layout, UnixOwner? masterIdentity)
    {
        _layout = layout;
        _masterIdentity = masterIdentity;
        _writer = masterIdentity is { } identity
            ? $"root with the identity of the master's user (uid {identity.Uid}, gid {identity.Gid})"
            : $"user '{UnixAccounts.EffectiveUserName()}'";
    }

    /// <summary>
    /// Takes a JID whose job directory did not exist and creates it (with its parents under <c>jobs/</c>) and its
    /// <c>jid</c> file; a directory already there means another job has that JID, so the next one is taken, as
    /// <c>prep_jid</c> does. New directories get the mode of <c>jobs/</c>, which the master made under its own umask
    /// (0755 when there is none yet), and the <c>jid</c> file the same without execute bits, as <c>os.makedirs</c> and
    /// <c>open(..., "wb+")</c> give the master.
    /// </summary>
    /// <exception cref="SaltBatchException">AccessDenied; CacheWriteFailed (no space, read-only, another IO error).</exception>
    public (string Jid, string Directory) CreateJobDirectory(DateTime utc) => AsMaster(_layout.JobsDir, "creating", () =>
    {
        var mode = Directory.Exists(_layout.JobsDir) && !OperatingSystem.IsWindows() ? File.GetUnixFileMode(_layout.JobsDir) : DefaultDirectoryMode;
        CreateIfMissing(_layout.JobsDir, mode);
        while (true)
        {
            var jid = Jid.Generate(utc);
            var directory = _layout.JidDirectory(jid);
            CreateIfMissing(Path.GetDirectoryName(directory)!, mode);
            if (UnixFiles.TryCreateDirectory(directory, mode))
            {
                try
                {
                    SetMode(directory, mode);
                    WriteJidFile(Path.Combine(directory, "jid"), jid, mode & ~ExecuteBits);
                }
                catch
                {
                    Directory.Delete(directory, recursive: true);
                    throw;
                }

                return (jid, directory);
            }

            utc = utc.AddTicks(10);
        }
    });

    /// <summary>Undoes <see cref="CreateJobDirectory"/> and what was written into it, when a start cannot be completed.</summary>
    /// <exception cref="SaltBatchException">AccessDenied; CacheWriteFailed.</exception>
    public void RemoveJobDirectory(string directory) => AsMaster(directory, "removing", () =>
    {
        Directory.Delete(directory, recursive: true);
        return directory;
    });

    /// <returns>The path of the <c>.batch.p</c> written.</returns>
    /// <exception cref="SaltBatchException">AccessDenied; CacheWriteFailed.</exception>
    public string WriteBatchState(InitialBatchState state)
    {
        var path = _layout.BatchStatePath(state.Jid);
        return AsMaster(path, "writing", () =>
        {
            AtomicFile.Write(path, state.ToBytes());
            return path;
        });
    }

    /// <summary>
    /// <c>add_to_active_index</c>: read the index, add the JID, write the sorted list. The BatchManager rewrites the
    /// index the same way, with no lock. So that no entry of its is lost or brought back by our write, the rename
    /// happens only if the index is still the version that was read, else it is read again; an index that already
    /// lists the JID is not written at all.
    /// </summary>
    /// <returns>How many writes it took (0: the JID was listed already).</returns>
    /// <exception cref="SaltBatchException">WriteConflict when the index kept changing under every try; AccessDenied; CacheWriteFailed.</exception>
    public int AddToActiveIndex(string jid, Action<string> log)
    {
        var path = _layout.ActiveIndexPath;
        return AsMaster(path, "writing", () =>
        {
            var writes = 0;
            for (var attempt = 1; attempt <= IndexAttempts; attempt++)
            {
                var version = FileVersion.Of(path);
                var listed = ReadIndex(path, log);
                if (listed.Contains(jid))
                {
                    return writes;
                }

                var jids = new SortedSet<string>(listed, StringComparer.Ordinal) { jid };
                if (AtomicFile.WriteIfUnchanged(path, Payload.PayloadWriter.Pack(jids.ToList(), useBinType: false), version))
                {
                    writes++;
                    continue;
                }

                log($"{path} was rewritten by another writer while we added {jid}; reading it again, so that none of its entries is lost.");
            }

            if (ReadIndex(path, log).Contains(jid))
            {
                return writes;
            }

            throw new SaltBatchException(
                SaltFailureKind.WriteConflict,
                $"{jid} could not be added to {path}: another process rewrote the index during each of {IndexAttempts} tries. Run Start-SaltBatch again; the batch was not started.",
                path);
        });
    }

    /// <summary>
    /// Whether the index lists the JID within <paramref name="patience"/>: the BatchManager adds a batch it adopts from
    /// its <c>new</c> event itself, and then nobody else need write the index.
    /// </summary>
    public bool WaitForIndexEntry(string jid, TimeSpan patience, Action<string> log)
    {
        var path = _layout.ActiveIndexPath;
        return AsMaster(path, "reading", () =>
        {
            // The manager usually lists the batch within milliseconds of the event: look early, then less often.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            var pause = FirstIndexPoll;
            while (!ReadIndex(path, log).Contains(jid))
            {
                if (waited.Elapsed >= patience)
                {
                    return false;
                }

                Thread.Sleep(pause);
                pause = pause * 2 < LongestIndexPoll ? pause * 2 : LongestIndexPoll;
            }

            return true;
        });
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

    private static void CreateIfMissing(string directory, UnixFileMode mode)
    {
        if (UnixFiles.TryCreateDirectory(directory, mode))
        {
            SetMode(directory, mode);
        }
    }

    /// <summary>Created exclusively (a name planted in the window after mkdir is refused, not followed); the mode through the handle.</summary>
    private static void WriteJidFile(string path, string jid, UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(jid));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(stream.SafeFileHandle, mode);
        }
    }

    /// <summary>Beats the umask on a directory this writer just made (as the master's identity: a path it owns).</summary>
    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    /// <summary>Runs a step with the master's identity when one is set, and turns its IO failures into typed ones.</summary>
    private T AsMaster<T>(string path, string doing, Func<T> step)
    {
        try
        {
            return MasterIdentity.Run(_masterIdentity, step);
        }
        catch (UnauthorizedAccessException denied)
        {
            throw Denied(path, doing, denied);
        }
        catch (SaltBatchException denied) when (denied.Kind == SaltFailureKind.AccessDenied && _masterIdentity is not null)
        {
            throw Denied(denied.Target ?? path, doing, denied);
        }
        catch (IOException planted) when (planted.HResult == AlreadyExists)
        {
            throw Denied(path, doing, planted);
        }
        catch (IOException failure)
        {
            throw new SaltBatchException(
                SaltFailureKind.CacheWriteFailed,
                $"{char.ToUpperInvariant(doing[0])}{doing[1..]} '{path}' as {_writer} failed: {failure.Message} Check that the file system of the master's cache has free space and is writable (df, mount).",
                path,
                failure);
        }
    }

    private SaltBatchException Denied(string path, string doing, Exception cause) =>
        new(
            SaltFailureKind.AccessDenied,
            $"Permission denied {doing} '{path}' as {_writer} ({cause.Message}). Run as root or as the Salt master's user; if you do, something in the master's cache is not the master's (a symlink or a file of another account was put in the way).",
            path,
            cause);
}

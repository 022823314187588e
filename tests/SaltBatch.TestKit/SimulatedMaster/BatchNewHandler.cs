using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SaltBatch.Core.Bus;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Platform;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// The BatchManager's <c>_handle_new</c> (start-and-api §1.7, reference §9.3): a <c>new</c> event without <c>state</c>
/// makes it read <c>.batch.p</c> — as the master's user, so a file that user may not read is dropped with a warning
/// exactly as a real master running as <c>salt</c> drops a root-owned 0600 file (§1.9 defect 1) — and adopt a
/// master-driven batch by adding it to the index; the driver then dispatches it.
/// </summary>
public sealed partial class BatchNewHandler(JobCacheLayout layout, BatchStateStore states, ActiveBatchIndex index, MasterJournal journal, string masterUser, bool neverAdopt = false)
{
    public bool TryHandle(MasterEvent masterEvent)
    {
        var match = NewTag().Match(masterEvent.Tag);
        if (!match.Success)
        {
            return false;
        }

        var jid = match.Groups["jid"].Value;
        var path = layout.BatchStatePath(jid);
        var record = new JsonObject { ["jid"] = jid, ["owner"] = UnixAccounts.DescribeOwner(path) };
        if (neverAdopt)
        {
            record["action"] = "ignored";
        }
        else if (!File.Exists(path))
        {
            record["action"] = "missing";
        }
        else if (!MasterUserCanRead(path))
        {
            record["action"] = "unreadable";
        }
        else if (states.Read(jid)?.Get("driver") as string == "master")
        {
            index.Add(jid);
            record["action"] = "adopted";
        }
        else
        {
            record["action"] = "ignored";
        }

        journal.Add(JournalKinds.BatchNewHandled, record);
        return true;
    }

    /// <summary>The owner, group or other read bit that applies to the master's user (supplementary groups aside).</summary>
    private bool MasterUserCanRead(string path)
    {
        if (!OperatingSystem.IsLinux() || UnixAccounts.LookupUser(masterUser) is not { } master || master.Uid == 0)
        {
            return true;
        }

        var owner = UnixAccounts.OwnerOf(path);
        var mode = File.GetUnixFileMode(path);
        return owner?.Uid == master.Uid ? mode.HasFlag(UnixFileMode.UserRead)
            : owner?.Gid == master.Gid ? mode.HasFlag(UnixFileMode.GroupRead)
            : mode.HasFlag(UnixFileMode.OtherRead);
    }

    [GeneratedRegex("^salt/batch/(?<jid>[^/]+)/new$")]
    private static partial Regex NewTag();
}

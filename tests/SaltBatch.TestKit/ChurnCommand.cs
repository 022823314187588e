using SaltBatch.Core.Cache;

namespace SaltBatch.TestKit;

/// <summary>
/// <c>churn --cachedir DIR --jid JID --count N</c>: plays a busy BatchManager, rewriting the batch's <c>.batch.p</c>
/// and <c>batch_active.p</c> by atomic rename N times, alternating the <see cref="ChurnStates"/>. Prints <c>ready</c>
/// once both files exist, so readers never start before there is something whole to read.
/// </summary>
internal static class ChurnCommand
{
    public const string Name = "churn";
    public const string Usage = "churn --cachedir DIR --jid JID --count N";

    public static int Run(string[] args)
    {
        var cacheDir = OptionValue(args, "--cachedir");
        var jid = OptionValue(args, "--jid");
        var count = int.Parse(OptionValue(args, "--count"), System.Globalization.CultureInfo.InvariantCulture);
        var layout = new JobCacheLayout(cacheDir, "sha256");
        var batches = ChurnStates.Batches(jid).Select(state => state.ToBytes()).ToList();
        var indexes = ChurnStates.Indexes(jid);

        for (var i = 0; i < count; i++)
        {
            CacheFixture.WriteAtomically(layout.BatchStatePath(jid), batches[i % batches.Count]);
            CacheFixture.WriteActiveIndex(layout, indexes[i % indexes.Count], sort: true);
            if (i == 0)
            {
                Console.Out.WriteLine("ready");
                Console.Out.Flush();
            }
        }

        return 0;
    }

    private static string OptionValue(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : throw new ArgumentException($"{Name} needs {name} <value>.");
    }
}

using System.Globalization;
using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit;

/// <summary>
/// Ordinary (non-batch) jobs as the local_cache returner leaves them (reference §4.3): the <c>jid</c> file, the
/// published <c>.load.p</c> and a folder per minion with its <c>return.p</c>, under the JID's hashed directory. A
/// batch scan must pass over thousands of these without reading them.
/// </summary>
public static class NonBatchJobFixture
{
    /// <summary>2023-01-01T00:00:00Z: before every batch the fixtures create, so generated JIDs never collide with them.</summary>
    private static readonly DateTime FirstJob = new(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly string[] Functions = ["test.ping", "state.apply", "cmd.run", "grains.items", "pkg.list_upgrades"];

    /// <summary>Writes <paramref name="count"/> jobs, one every 1.5 s from 2023-01-01; the same count always gives the same cache.</summary>
    /// <returns>The JIDs written.</returns>
    public static IReadOnlyList<string> Write(JobCacheLayout layout, int count)
    {
        var jids = new List<string>(count);
        for (var index = 0; index < count; index++)
        {
            var jid = FirstJob.AddMilliseconds(1500.0 * index).ToString("yyyyMMddHHmmssffffff", CultureInfo.InvariantCulture);
            WriteJob(layout.JidDirectory(jid), jid, index);
            jids.Add(jid);
        }

        return jids;
    }

    private static void WriteJob(string directory, string jid, int index)
    {
        var minion = $"web{index % 40:D3}.dc{index % 3 + 1}.example.com";
        var fun = Functions[index % Functions.Length];
        Directory.CreateDirectory(Path.Combine(directory, minion));
        File.WriteAllText(Path.Combine(directory, "jid"), jid);
        var load = new PayloadMap
        {
            { "fun", fun },
            { "arg", new List<object?>() },
            { "tgt", minion },
            { "tgt_type", "glob" },
            { "jid", jid },
            { "user", "root" },
            { "ret", "" },
        };
        File.WriteAllBytes(Path.Combine(directory, ".load.p"), PayloadWriter.Pack(load, useBinType: true));
        File.WriteAllBytes(Path.Combine(directory, minion, "return.p"), PayloadWriter.Pack(true, useBinType: true));
    }
}

using SaltBatch.Core.Cache;
using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// A minion's return as the local_cache returner files it (reference §4.3): <c>&lt;jid dir&gt;/&lt;minion&gt;/return.p</c>
/// in the 3006+ shape <c>{"return", "retcode", "success"}</c>, and <c>out.p</c> with the outputter when the minion
/// named one. The master writes it for every return, also for minions its batch counts as failed or timed out.
/// </summary>
public sealed record JobCacheReturnFile(string Jid, string Minion, object? Return, long Retcode, bool Success, string? Outputter = null)
{
    public void Write(JobCacheLayout layout)
    {
        var directory = Path.Combine(layout.JidDirectory(Jid), Minion);
        Directory.CreateDirectory(directory);
        var stored = new PayloadMap { { "return", Return }, { "retcode", Retcode }, { "success", Success } };
        File.WriteAllBytes(Path.Combine(directory, JobCacheReturnReader.ReturnFileName), PayloadWriter.Pack(stored, useBinType: true));
        if (Outputter is not null)
        {
            File.WriteAllBytes(Path.Combine(directory, JobCacheReturnReader.OutputterFileName), PayloadWriter.Pack(Outputter, useBinType: true));
        }
    }
}

using SaltBatch.Core.Cache;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Cache;

/// <summary>The job directory of a new batch, taken the way <c>local_cache.prep_jid</c> takes one (reference §4.3).</summary>
public sealed class JobCacheWriterTests
{
    private static readonly DateTime Now = new(2026, 12, 3, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_job_directory_that_already_exists_is_left_alone_and_the_next_jid_is_taken()
    {
        using var cache = new TempDirectory();
        var layout = new JobCacheLayout(cache.Path, "sha256");
        var taken = Jid.Generate(Now);
        var takenDirectory = layout.JidDirectory(taken);
        Directory.CreateDirectory(takenDirectory);
        File.WriteAllText(Path.Combine(takenDirectory, "jid"), "another job");

        var (jid, directory) = new JobCacheWriter(layout, masterIdentity: null).CreateJobDirectory(Now);

        Assert.NotEqual(taken, jid);
        Assert.Equal(layout.JidDirectory(jid), directory);
        Assert.Equal(jid, File.ReadAllText(Path.Combine(directory, "jid")));
        Assert.Equal("another job", File.ReadAllText(Path.Combine(takenDirectory, "jid")));
        Assert.Single(Directory.GetFileSystemEntries(takenDirectory));
    }

    [Fact]
    public void Removing_a_job_directory_takes_everything_written_into_it()
    {
        using var cache = new TempDirectory();
        var layout = new JobCacheLayout(cache.Path, "sha256");
        var writer = new JobCacheWriter(layout, masterIdentity: null);
        var (_, directory) = writer.CreateJobDirectory(Now);
        File.WriteAllText(Path.Combine(directory, ".batch.p"), "state");

        writer.RemoveJobDirectory(directory);

        Assert.False(Directory.Exists(directory));
        Assert.True(Directory.Exists(layout.JobsDir));
    }
}

using SaltBatch.Core.Cache;
using SaltBatch.Core.Platform;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Cache;

/// <summary>The read-modify-write guard of the active index: a newer file nobody read is never replaced.</summary>
public sealed class AtomicFileTests
{
    [Fact]
    public void A_file_replaced_since_it_was_read_is_not_overwritten_and_no_temp_file_is_left()
    {
        using var directory = new TempDirectory();
        var path = directory.File("batch_active.p");
        AtomicFile.Write(path, [0x91, 0xa1, 0x61]);
        var read = FileVersion.Of(path);
        AtomicFile.Write(path, [0x92, 0xa1, 0x61, 0xa1, 0x62]);

        var written = AtomicFile.WriteIfUnchanged(path, [0x91, 0xa1, 0x63], read);

        Assert.False(written);
        Assert.Equal(new byte[] { 0x92, 0xa1, 0x61, 0xa1, 0x62 }, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFileSystemEntries(directory.Path));
    }

    [Fact]
    public void The_version_that_was_read_is_replaced_and_a_missing_file_is_created()
    {
        using var directory = new TempDirectory();
        var path = directory.File("batch_active.p");

        Assert.True(AtomicFile.WriteIfUnchanged(path, [0x90], FileVersion.Of(path)));
        Assert.True(AtomicFile.WriteIfUnchanged(path, [0x91, 0xa1, 0x61], FileVersion.Of(path)));
        Assert.Equal(new byte[] { 0x91, 0xa1, 0x61 }, File.ReadAllBytes(path));
        Assert.False(AtomicFile.WriteIfUnchanged(path, [0x90], unchangedSince: null));
    }
}

using SaltBatch.TestKit.SimulatedMaster;

namespace SaltBatch.Core.Tests.SimulatedMaster;

public sealed class CacheLayoutTests
{
    [Fact]
    public void The_batch_state_document_matches_the_reference_bytes()
    {
        var batch = new BatchStateDocument
        {
            Jid = "20240610120000000000",
            AllMinions = ["web1", "web2", "web3"],
            Pending = ["web3"],
            Active = new Dictionary<string, double> { ["web2"] = 1718020800.0 },
            Done = new Dictionary<string, object?> { ["web1"] = BatchStateDocument.Returned(true) },
            BatchSize = 2,
            Tgt = "web*",
            LastProgress = 1718020802.25,
            Created = 1718020800.0,
        };

        var bytes = batch.ToBytes();

        Assert.Equal(337, bytes.Length);
        Assert.Equal(Convert.FromHexString("de0018a36a6964b4"), bytes[..8]);
        Assert.Equal(Convert.FromHexString("a475736572a4726f6f74"), bytes[^10..]);
    }

    [Fact]
    public void The_active_index_is_a_sorted_array_written_atomically()
    {
        var root = Directory.CreateTempSubdirectory("simmaster-index-").FullName;
        try
        {
            var index = new ActiveBatchIndex(Path.Combine(root, "batch_active.p"));
            index.Add("20240610120500000000");
            index.Add("20240610120000000000");

            Assert.Equal(
                Convert.FromHexString("92b4" + Convert.ToHexString("20240610120000000000"u8) + "b4" + Convert.ToHexString("20240610120500000000"u8)),
                File.ReadAllBytes(Path.Combine(root, "batch_active.p")));
            index.Remove("20240610120000000000");
            index.Remove("20240610120500000000");
            Assert.Equal([0x90], File.ReadAllBytes(Path.Combine(root, "batch_active.p")));
            Assert.Single(Directory.GetFiles(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}

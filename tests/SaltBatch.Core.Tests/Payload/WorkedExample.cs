using SaltBatch.Core.Tests.Support;
using SaltBatch.TestKit;

namespace SaltBatch.Core.Tests.Payload;

/// <summary>The BatchState of reference §2.8 and the 337 bytes <c>salt.payload.dumps</c> gives for it.</summary>
internal static class WorkedExample
{
    public static readonly byte[] Bytes = Hex.Parse("""
        de 00 18 a3 6a 69 64 b4 32 30 32 34 30 36 31 30
        31 32 30 30 30 30 30 30 30 30 30 30 ab 61 6c 6c
        5f 6d 69 6e 69 6f 6e 73 93 a4 77 65 62 31 a4 77
        65 62 32 a4 77 65 62 33 a7 70 65 6e 64 69 6e 67
        91 a4 77 65 62 33 a6 61 63 74 69 76 65 81 a4 77
        65 62 32 cb 41 d9 99 ba b0 00 00 00 a4 64 6f 6e
        65 81 a4 77 65 62 31 82 a3 72 65 74 c3 a7 72 65
        74 63 6f 64 65 00 a6 66 61 69 6c 65 64 80 a4 77
        61 69 74 90 aa 62 61 74 63 68 5f 73 69 7a 65 02
        a3 66 75 6e a9 74 65 73 74 2e 70 69 6e 67 a3 61
        72 67 90 a6 6b 77 61 72 67 73 80 a3 74 67 74 a4
        77 65 62 2a a8 74 67 74 5f 74 79 70 65 a4 67 6c
        6f 62 a8 66 61 69 6c 68 61 72 64 c2 aa 62 61 74
        63 68 5f 77 61 69 74 00 a7 74 69 6d 65 6f 75 74
        3c b2 67 61 74 68 65 72 5f 6a 6f 62 5f 74 69 6d
        65 6f 75 74 0a ad 6c 61 73 74 5f 70 72 6f 67 72
        65 73 73 cb 41 d9 99 ba b0 90 00 00 a7 63 72 65
        61 74 65 64 cb 41 d9 99 ba b0 00 00 00 a6 68 61
        6c 74 65 64 c2 ad 68 61 6c 74 65 64 5f 72 65 61
        73 6f 6e c0 a6 64 72 69 76 65 72 a6 6d 61 73 74
        65 72 a3 72 65 74 a0 a4 75 73 65 72 a4 72 6f 6f
        74
        """);

    public static BatchStateFixture State() => new("20240610120000000000")
    {
        AllMinions = ["web1", "web2", "web3"],
        Pending = ["web3"],
        Active = new() { ["web2"] = 1718020800.0 },
        Done = new() { ["web1"] = new Core.Payload.PayloadMap { { "ret", true }, { "retcode", 0L } } },
        BatchSize = 2,
        Fun = "test.ping",
        Tgt = "web*",
        LastProgress = 1718020802.25,
        Created = 1718020800.0,
        Driver = "master",
        User = "root",
    };
}

namespace SaltBatch.TestKit;

/// <summary>
/// What <c>churn</c> writes in turn, so a reader can tell a whole file from a torn one: batch states of very different
/// sizes (one fits a read buffer, others span many) and two active indexes.
/// </summary>
public static class ChurnStates
{
    public const string OtherJid = "20240610235959000000";

    public static IReadOnlyList<BatchStateFixture> Batches(string jid) =>
    [
        BatchStateFixture.Generate(jid, total: 3, done: 1, active: 1, failed: 0, returnBytes: 4, seed: 11),
        BatchStateFixture.Generate(jid, total: 40, done: 20, active: 5, failed: 3, returnBytes: 200, seed: 12),
        BatchStateFixture.Generate(jid, total: 120, done: 90, active: 10, failed: 5, returnBytes: 900, seed: 13),
        BatchStateFixture.Generate(jid, total: 8, done: 0, active: 8, failed: 0, returnBytes: 0, seed: 14),
    ];

    public static IReadOnlyList<IReadOnlyList<string>> Indexes(string jid) =>
    [
        [jid],
        [.. new[] { jid, OtherJid }.Order(StringComparer.Ordinal)],
    ];
}

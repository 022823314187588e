using SaltBatch.Core.Platform;

namespace SaltBatch.Core.Tests.Platform;

/// <summary>Account lookups from parallel runspaces: each answer belongs to the account it was asked about.</summary>
public sealed class UnixAccountsTests
{
    [Fact]
    public void Accounts_are_found_by_name_and_a_missing_one_is_null()
    {
        Assert.Equal(new UnixOwner(0, 0), UnixAccounts.LookupUser("root"));
        Assert.Equal(65534u, UnixAccounts.LookupUser("nobody")?.Uid);
        Assert.Null(UnixAccounts.LookupUser("no-such-account-" + Guid.NewGuid().ToString("N")[..8]));
    }

    [Fact]
    public void Parallel_lookups_never_see_each_others_answers()
    {
        var mixedUp = 0;
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var (name, uid) = i % 2 == 0 ? ("root", 0u) : ("nobody", 65534u);
            if (UnixAccounts.LookupUser(name)?.Uid != uid || !(UnixAccounts.DescribeOwner("/")?.StartsWith("root", StringComparison.Ordinal) ?? false))
            {
                Interlocked.Increment(ref mixedUp);
            }
        });

        Assert.Equal(0, mixedUp);
    }
}

using SaltBatch.Core.Publish;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Publish;

/// <summary>The user and key table of reference §8.4.</summary>
public sealed class KeyResolverTests : IDisposable
{
    private readonly TempDirectory _cache = new();

    public KeyResolverTests()
    {
        File.WriteAllText(_cache.File(".root_key"), "root-key\n");
        File.WriteAllText(_cache.File(".salt_key"), "salt-key");
        File.WriteAllText(_cache.File(".alice_key"), "alice-key");
    }

    public void Dispose() => _cache.Dispose();

    private static Func<string, string?> Environment(string? sudoUser) => name => name == "SUDO_USER" ? sudoUser : null;

    [Theory]
    [InlineData("root", null, "root", "root", "root", "root-key\n")]
    [InlineData("root", null, "salt", "root", "salt", "salt-key")]
    [InlineData("root", "alice", "salt", "sudo_alice", "salt", "salt-key")]
    [InlineData("root", "alice", "root", "sudo_alice", "root", "root-key\n")]
    [InlineData("salt", null, "salt", "salt", "salt", "salt-key")]
    [InlineData("salt", "alice", "salt", "salt", "salt", "salt-key")]
    [InlineData("alice", null, "salt", "alice", "alice", "alice-key")]
    public void PicksTheUserAndKeyLikeLocalClient(string effectiveUser, string? sudoUser, string masterUser, string expectedUser, string expectedKeyUser, string expectedKey)
    {
        var credentials = KeyResolver.Resolve(_cache.Path, masterUser, effectiveUser, Environment(sudoUser));

        Assert.Equal(expectedUser, credentials.User);
        Assert.Equal(expectedKeyUser, credentials.KeyUser);
        Assert.Equal(_cache.File($".{expectedKeyUser}_key"), credentials.KeyPath);
        Assert.Equal(expectedKey, credentials.Key);
    }

    [Fact]
    public void AnUnreadableOrMissingKeyFileGivesAnEmptyKey()
    {
        var credentials = KeyResolver.Resolve(_cache.Path, "salt", "bob", Environment(null));

        Assert.Equal("bob", credentials.User);
        Assert.Equal(string.Empty, credentials.Key);
        Assert.False(credentials.HasKey);
    }

    [Fact]
    public void TheRealEffectiveUserIsFound()
    {
        Assert.False(string.IsNullOrEmpty(KeyResolver.Resolve(_cache.Path, "salt").User));
    }
}

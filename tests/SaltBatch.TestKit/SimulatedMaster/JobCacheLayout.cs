using System.Security.Cryptography;
using System.Text;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>Where the master keeps batch files under its cachedir (reference §2.1, §3, §4.1).</summary>
public sealed class JobCacheLayout
{
    private readonly string _hashType;

    public JobCacheLayout(string cacheDirectory, string hashType)
    {
        CacheDirectory = cacheDirectory;
        _hashType = hashType.ToLowerInvariant();

        // An unsupported hash_type must fail at start, not on the first stop event.
        Digest(string.Empty);
    }

    public string CacheDirectory { get; }

    public string JobsDirectory => Path.Combine(CacheDirectory, "jobs");

    public string ActiveIndexPath => Path.Combine(CacheDirectory, "batch_active.p");

    /// <summary><c>jobs/&lt;h[0:2]&gt;/&lt;h[2:]&gt;</c> of the digest of the JID's UTF-8; the JID itself is no path component.</summary>
    public string JobDirectory(string jid)
    {
        var digest = Digest(jid);
        return Path.Combine(JobsDirectory, digest[..2], digest[2..]);
    }

    public string BatchStatePath(string jid) => Path.Combine(JobDirectory(jid), ".batch.p");

    private string Digest(string jid)
    {
        var bytes = Encoding.UTF8.GetBytes(jid);
        var hash = _hashType switch
        {
            "md5" => MD5.HashData(bytes),
            "sha1" => SHA1.HashData(bytes),
            "sha256" => SHA256.HashData(bytes),
            "sha384" => SHA384.HashData(bytes),
            "sha512" => SHA512.HashData(bytes),
            "sha3_256" when SHA3_256.IsSupported => SHA3_256.HashData(bytes),
            "sha3_384" when SHA3_384.IsSupported => SHA3_384.HashData(bytes),
            "sha3_512" when SHA3_512.IsSupported => SHA3_512.HashData(bytes),
            _ => throw new ArgumentException($"hash_type '{_hashType}' is not supported by the simulated master.", "hashType"),
        };
        return Convert.ToHexStringLower(hash);
    }
}

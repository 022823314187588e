using System.Security.Cryptography;
using System.Text;

namespace SaltBatch.TestKit;

/// <summary>
/// Test-only stand-in for <c>salt.utils.jid.jid_dir</c> (reference §4.1), so fixtures land where the master would put
/// them. Production code must use <c>SaltBatch.Core.Cache.JobCacheLayout</c>; this exists to check it independently.
/// </summary>
public static class JidDirTestHelper
{
    public static readonly IReadOnlyList<string> SupportedHashTypes = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

    /// <summary><c>&lt;cachedir&gt;/jobs/&lt;h[0:2]&gt;/&lt;h[2:]&gt;</c> for the JID's digest under <paramref name="hashType"/>.</summary>
    public static string JidDir(string cacheDir, string jid, string hashType)
    {
        var digest = HexDigest(hashType, jid);
        return Path.Combine(cacheDir, "jobs", digest[..2], digest[2..]);
    }

    /// <summary>Python's <c>hashlib.new(hash_type, jid.encode()).hexdigest()</c>.</summary>
    public static string HexDigest(string hashType, string jid)
    {
        var data = Encoding.UTF8.GetBytes(jid);
        var hash = hashType.ToLowerInvariant() switch
        {
            "md5" => MD5.HashData(data),
            "sha1" => SHA1.HashData(data),
            "sha224" => Sha224.HashData(data),
            "sha256" => SHA256.HashData(data),
            "sha384" => SHA384.HashData(data),
            "sha512" => SHA512.HashData(data),
            _ => throw new ArgumentException($"hash_type '{hashType}' is not one of {string.Join(", ", SupportedHashTypes)}.", nameof(hashType)),
        };
        return Convert.ToHexStringLower(hash);
    }
}

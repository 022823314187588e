using System.Security.Cryptography;
using System.Text;

namespace SaltBatch.Core.Cache;

/// <summary>
/// Where the master keeps batch files (reference §2.1, §3, §4.1): <c>&lt;cachedir&gt;/jobs/&lt;h[0:2]&gt;/&lt;h[2:]&gt;</c>
/// where h is the hex digest of the JID under <c>hash_type</c>, and the index at <c>&lt;cachedir&gt;/batch_active.p</c>.
/// The only place that knows the hashed layout.
/// </summary>
public sealed class JobCacheLayout
{
    public const string BatchStateFileName = ".batch.p";
    public const string ActiveIndexFileName = "batch_active.p";

    private static readonly Dictionary<string, Func<byte[], byte[]>> HashFunctions = new(StringComparer.Ordinal)
    {
        ["md5"] = data => MD5.HashData(data),
        ["sha1"] = data => SHA1.HashData(data),
        ["sha224"] = data => Sha224.HashData(data),
        ["sha256"] = data => SHA256.HashData(data),
        ["sha384"] = data => SHA384.HashData(data),
        ["sha512"] = data => SHA512.HashData(data),
    };

    private readonly Func<byte[], byte[]> _hash;

    public JobCacheLayout(string cacheDir, string hashType)
    {
        CacheDir = cacheDir;
        HashType = hashType.ToLowerInvariant();
        if (!HashFunctions.TryGetValue(HashType, out var hash))
        {
            throw new SaltBatchException(
                SaltFailureKind.UnsupportedHashType,
                $"hash_type '{hashType}' is not supported; use one of {string.Join(", ", SupportedHashTypes)} (the master's hash_type setting decides where job directories are).",
                hashType);
        }

        _hash = hash;
    }

    public static IReadOnlyCollection<string> SupportedHashTypes => HashFunctions.Keys;

    public string CacheDir { get; }

    public string HashType { get; }

    public string JobsDir => Path.Combine(CacheDir, "jobs");

    public string ActiveIndexPath => Path.Combine(CacheDir, ActiveIndexFileName);

    /// <summary>The job directory of a JID; the JID itself never becomes a path component, only its digest.</summary>
    public string JidDirectory(string jid)
    {
        var digest = Convert.ToHexString(_hash(Encoding.UTF8.GetBytes(jid))).ToLowerInvariant();
        return Path.Combine(JobsDir, digest[..2], digest[2..]);
    }

    public string BatchStatePath(string jid) => Path.Combine(JidDirectory(jid), BatchStateFileName);
}

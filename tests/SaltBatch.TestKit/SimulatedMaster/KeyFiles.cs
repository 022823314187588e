using System.Security.Cryptography;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// The per-user publish keys the master regenerates at start (reference §8.4): <c>&lt;cachedir&gt;/.&lt;user&gt;_key</c>,
/// mode 0600, opaque text.
/// </summary>
public static class KeyFiles
{
    public static string PathFor(string cacheDirectory, string user) => Path.Combine(cacheDirectory, $".{user}_key");

    /// <summary>Writes every given key plus a generated one for the master user and root when they have none; returns what was written.</summary>
    public static IReadOnlyDictionary<string, string> Write(string cacheDirectory, string masterUser, IReadOnlyDictionary<string, string> given)
    {
        var keys = new Dictionary<string, string>(given, StringComparer.Ordinal);
        foreach (var user in new[] { masterUser, "root" })
        {
            keys.TryAdd(user, Convert.ToBase64String(RandomNumberGenerator.GetBytes(56)));
        }

        foreach (var (user, text) in keys)
        {
            var path = PathFor(cacheDirectory, user);
            File.Delete(path);
            using var stream = OwnerOnlyFile.CreateNew(path);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }

        return keys;
    }
}

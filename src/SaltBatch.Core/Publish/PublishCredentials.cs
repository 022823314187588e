namespace SaltBatch.Core.Publish;

/// <summary>
/// Who a publish claims to be and the key that proves it (reference §8.4). The key is a secret: it is reachable only
/// inside the core, and nothing here prints it.
/// </summary>
public sealed class PublishCredentials
{
    public PublishCredentials(string user, string keyUser, string keyPath, string key)
    {
        User = user;
        KeyUser = keyUser;
        KeyPath = keyPath;
        Key = key;
    }

    /// <summary>The <c>user</c> sent in the load: the caller as Salt names it (<c>root</c>, <c>salt</c>, <c>sudo_alice</c>).</summary>
    public string User { get; }

    /// <summary>Whose key file was read.</summary>
    public string KeyUser { get; }

    public string KeyPath { get; }

    /// <summary>False when the key file could not be read, in which case an empty key is sent, as Salt does.</summary>
    public bool HasKey => Key.Length > 0;

    internal string Key { get; }

    public override string ToString() =>
        $"user {User} with the key of {KeyUser} from {KeyPath} ({(HasKey ? "read, not shown" : "not readable, sending an empty key")})";
}

using System.Collections.Concurrent;

namespace SaltBatch;

/// <summary>
/// The salt-api connections of this PowerShell process, by name (case-insensitive), as Connect-SaltMaster made them;
/// and what a <c>-Master</c> name means: a connection, this host, or nothing known.
/// </summary>
internal static class SaltMasters
{
    private static readonly ConcurrentDictionary<string, SaltMasterConnection> Connections = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The name results of local reads carry, and that <c>-Master</c> takes for this host's master.</summary>
    public static string ThisHostName { get; } = Environment.MachineName;

    public static IReadOnlyList<SaltMasterConnection> All => Connections.Values.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToArray();

    /// <summary>Adds the connection, replacing (and returning) one of the same name.</summary>
    public static SaltMasterConnection? Add(SaltMasterConnection connection)
    {
        SaltMasterConnection? replaced = null;
        Connections.AddOrUpdate(connection.Name, connection, (_, old) =>
        {
            replaced = old;
            return connection;
        });
        return replaced;
    }

    /// <summary>Whether this very connection is the one registered under its name (not replaced, not disconnected).</summary>
    public static bool IsCurrent(SaltMasterConnection connection) =>
        Connections.TryGetValue(connection.Name, out var current) && ReferenceEquals(current, connection);

    public static bool Remove(SaltMasterConnection connection) =>
        Connections.TryRemove(new KeyValuePair<string, SaltMasterConnection>(connection.Name, connection));

    /// <summary>A connection by name; this host's name (when no connection has it) means the local master.</summary>
    public static SaltMasterConnection Resolve(string name) =>
        Connections.TryGetValue(name, out var connection) ? connection
        : string.Equals(name, ThisHostName, StringComparison.OrdinalIgnoreCase) ? SaltMasterConnection.ThisHost()
        : SaltMasterConnection.Unknown(name);

    /// <summary>Forgets every connection and closes its HTTP client (Remove-Module); nothing is sent.</summary>
    public static void Release()
    {
        foreach (var connection in Connections.Values)
        {
            Connections.TryRemove(connection.Name, out _);
            connection.Api?.Dispose();
        }
    }

    /// <summary>The default name of a connection: the host, with the port when it is not salt-api's usual 8000.</summary>
    public static string DefaultName(Uri uri) => uri.IsDefaultPort || uri.Port == 8000 ? uri.Host : $"{uri.Host}:{uri.Port}";
}

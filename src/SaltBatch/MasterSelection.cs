using System.Management.Automation;
using SaltBatch.Core.Api;
using SaltBatch.Core.Batches;

namespace SaltBatch;

/// <summary>
/// What a -Master value names: this host's master when it is empty, else each current salt-api connection (by object
/// or by name) or this host's name. The one place that picks an implementation of <see cref="IBatchMaster"/>; past
/// it, nothing asks whether a master is local or remote.
/// </summary>
internal sealed class MasterSelection
{
    private readonly Func<IBatchMaster> _thisHost;
    private readonly HashSet<string> _reported = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="thisHost">This host's master, built only when a selection names it.</param>
    public MasterSelection(Func<IBatchMaster> thisHost)
    {
        _thisHost = thisHost;
    }

    /// <summary>
    /// The masters, once each; an unknown or closed name goes to <paramref name="report"/> once per selection (a
    /// cmdlet keeps one for the whole call, so it is once per call, not per piped record) and is left out.
    /// </summary>
    public IReadOnlyList<IBatchMaster> Pick(SaltMasterConnection[]? given, Action<ErrorRecord> report)
    {
        if (given is null || given.Length == 0)
        {
            return [_thisHost()];
        }

        var masters = new List<IBatchMaster>();
        foreach (var connection in given.DistinctBy(c => c.Name, StringComparer.OrdinalIgnoreCase))
        {
            if (connection.IsThisHost)
            {
                masters.Add(_thisHost());
            }
            else if (connection.Api is { } api && SaltMasters.IsCurrent(connection))
            {
                masters.Add(new SaltApiBatchMaster(api));
            }
            else if (_reported.Add(connection.Name))
            {
                report(NotConnected(connection));
            }
        }

        return masters;
    }

    private static ErrorRecord NotConnected(SaltMasterConnection connection) => connection.Api is not null
        ? new ErrorRecord(
            new InvalidOperationException($"The connection '{connection.Name}' you passed is closed: it was disconnected, or a later Connect-SaltMaster -Name {connection.Name} replaced it. Pass the name (-Master {connection.Name}) to use the current one, or see Get-SaltMasterConnection."),
            "SaltMasterNotConnected",
            ErrorCategory.ConnectionError,
            connection.Name)
        : new ErrorRecord(
            new ArgumentException($"No salt-api connection named '{connection.Name}' in this PowerShell process (its runspaces share them). Connect first (Connect-SaltMaster -Uri https://<host>:8000 -Credential <credential> -Name {connection.Name}), or see Get-SaltMasterConnection; '{SaltMasters.ThisHostName}' is this host's master."),
            "SaltMasterNotConnected",
            ErrorCategory.ObjectNotFound,
            connection.Name);
}

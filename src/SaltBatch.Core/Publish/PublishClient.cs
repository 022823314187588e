namespace SaltBatch.Core.Publish;

/// <summary>
/// Publishes a job through the master's request server, as <c>LocalClient.cmd_async</c> does (reference §8.1–§8.8):
/// check the master's publisher is there, send the clear envelope over the configured transport, retry on timeout,
/// and interpret the reply.
/// </summary>
public sealed class PublishClient
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly RequestServerOptions _server;
    private readonly string? _sockDir;

    /// <param name="server">The request server and the retry policy.</param>
    /// <param name="sockDir">
    /// The master's <c>sock_dir</c>, whose <c>publish_pull.ipc</c> proves the publisher is up; null when
    /// <c>ipc_mode</c> is <c>tcp</c> and there is no such file to look at.
    /// </param>
    public PublishClient(RequestServerOptions server, string? sockDir)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(server.Tries, 1);
        _server = server;
        _sockDir = sockDir;
    }

    /// <summary>The master config's <c>ext_job_cache</c>: the returner a job names when it names none, as <c>LocalClient</c> sends it.</summary>
    public string ExtJobCache { get; init; } = string.Empty;

    /// <summary>With the master config's <c>order_masters: true</c>, the timeout every publish carries as <c>to</c>.</summary>
    public int? OrderMastersTimeout { get; init; }

    public async Task<PublishResult> PublishAsync(PublishRequest request, PublishCredentials credentials, CancellationToken cancellationToken = default)
    {
        EnsurePublisherIsRunning();
        var sent = request with
        {
            Returner = request.Returner.Length > 0 ? request.Returner : ExtJobCache,
            OrderMastersTimeout = OrderMastersTimeout,
        };
        var envelope = PublishEnvelope.Build(sent, credentials);
        using var channel = OpenChannel();
        for (var attempt = 1; attempt <= _server.Tries; attempt++)
        {
            var outcome = await channel.TryRequestAsync(envelope, _server.TryTimeout, cancellationToken).ConfigureAwait(false);
            if (outcome.Answered)
            {
                return PublishReply.Interpret(outcome.Reply, credentials, _server.Uri);
            }
        }

        throw new SaltBatchException(
            SaltFailureKind.Timeout,
            $"Salt request timed out: the master's request server at {_server.Uri} did not answer within {_server.TryTimeout.TotalSeconds:0.###} s on any of {_server.Tries} tries. " +
            "Is the salt-master running, and do interface / ret_port in its config match?",
            _server.Uri);
    }

    private void EnsurePublisherIsRunning()
    {
        if (_sockDir is null)
        {
            return;
        }

        var publisherSocket = Path.Combine(_sockDir, "publish_pull.ipc");
        if (File.Exists(publisherSocket))
        {
            return;
        }

        if (!CanLookInside(_sockDir))
        {
            throw new SaltBatchException(
                SaltFailureKind.AccessDenied,
                $"Permission denied looking into the master's socket directory {_sockDir}; run as root or as the master's user (for example with sudo -u salt).",
                _sockDir);
        }

        throw new SaltBatchException(
            SaltFailureKind.MasterUnreachable,
            $"The master's publisher socket {publisherSocket} does not exist; is the salt-master running? Check sock_dir in the master config.",
            publisherSocket);
    }

    private static bool CanLookInside(string directory)
    {
        try
        {
            _ = Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any();
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private IRequestChannel OpenChannel() => _server.Transport switch
    {
        RequestTransport.Tcp => new TcpRequestChannel(_server, ConnectTimeout),
        _ => new ZeroMqRequestChannel(_server),
    };
}

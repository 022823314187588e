namespace SaltBatch.TestKit.SaltApi;

/// <summary>How a <see cref="SimulatedSaltApi"/> is set up, and which master configurations and faults it imitates.</summary>
public sealed record SimulatedSaltApiOptions
{
    /// <summary>Loopback port (<c>rest_cherrypy: port</c>); 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>HTTPS with a generated self-signed certificate; false is <c>disable_ssl: True</c>.</summary>
    public bool Tls { get; init; } = true;

    /// <summary>Where the certificate and key PEM files go (<c>ssl_crt</c>, <c>ssl_key</c>).</summary>
    public required string CertificateDirectory { get; init; }

    /// <summary><c>runner</c> in <c>netapi_enable_clients</c>.</summary>
    public bool RunnerClientEnabled { get; init; } = true;

    /// <summary>The master has <c>salt/runners/batch.py</c> (a master before it answers 500 to <c>batch.*</c>).</summary>
    public bool BatchRunner { get; init; } = true;

    /// <summary>
    /// The companion runner file the master loads (<c>runner_dirs</c>), whose <c>saltbatch.*</c> functions it then
    /// serves through <see cref="StandinRunners"/>; null: not installed (salt-api answers 500, as for any missing runner).
    /// </summary>
    public string? CompanionRunner { get; init; }

    /// <summary>Master options the companion runner sees in <c>__opts__</c>, each <c>key=JSON</c> (e.g. <c>saltbatch={"return_readers": ["saltbatch"]}</c>).</summary>
    public IReadOnlyList<string> CompanionOptions { get; init; } = [];

    /// <summary><c>batch.list_active</c> raises inside the runner, which salt-api answers with the same bare 500.</summary>
    public bool ListActiveRaises { get; init; }

    /// <summary><c>token_expire</c>.</summary>
    public TimeSpan TokenExpire { get; init; } = TimeSpan.FromHours(12);

    /// <summary>Added to every runner call, as a real runner's fork and return event cost (hundreds of ms).</summary>
    public TimeSpan RunnerDelay { get; init; } = TimeSpan.Zero;

    /// <summary>The <c>external_auth</c> users (all under <c>pam</c>).</summary>
    public IReadOnlyList<ApiUser> Users { get; init; } = ApiUser.Defaults;
}

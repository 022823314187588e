using System.Net;
using SaltBatch.Core.Api;
using SaltBatch.Core.Tests.SimulatedMaster;
using SaltBatch.TestKit.SaltApi;

namespace SaltBatch.Core.Tests.Api;

/// <summary>A simulated master with the simulated salt-api in front of it, and clients for it.</summary>
internal sealed class SaltApiTestBed : IDisposable
{
    public const string Operator = "saltbatch";
    public const string OperatorPassword = "saltbatch-password";

    public SaltApiTestBed(Func<SimulatedSaltApiOptions, SimulatedSaltApiOptions>? configure = null, Func<TestKit.SimulatedMaster.SimulatedMasterOptions, TestKit.SimulatedMaster.SimulatedMasterOptions>? master = null)
    {
        Bed = new MasterTestBed(options =>
        {
            var api = new SimulatedSaltApiOptions { CertificateDirectory = Path.Combine(options.RootDirectory, "salt-api") };
            options = options with { Api = configure is null ? api : configure(api) };
            return master is null ? options : master(options);
        });
    }

    public MasterTestBed Bed { get; }

    public SimulatedSaltApi Api => Bed.Master.Api!;

    public SaltApiConnection Connect(string user = Operator, string password = OperatorPassword, bool skipCertificateCheck = true, string name = "sim") =>
        new(new SaltApiEndpoint { Uri = Api.Uri, Name = name, SkipCertificateCheck = skipCertificateCheck, RequestTimeout = TimeSpan.FromSeconds(10) }, new NetworkCredential(user, password));

    public void ExpireSessions() => File.WriteAllText(Path.Combine(Bed.Master.Options.RootDirectory, SimulatedSaltApi.ExpireSessionsFile), string.Empty);

    public void Dispose() => Bed.Dispose();
}

using SaltBatch.Core.Bus;
using SaltBatch.Core.Config;
using SaltBatch.Core.Publish;

namespace SaltBatch.Core.Batches;

/// <summary>Turns a resolved master configuration into the bus and request-server clients that reach that master.</summary>
public static class MasterConnections
{
    public static EventBusEndpoints EventBus(MasterConfig config) =>
        new(config.EventPullEndpoint, config.EventPubEndpoint);

    /// <summary>The master's event bus, with its <c>max_event_size</c>.</summary>
    public static MasterEventBus Bus(MasterConfig config) =>
        new(EventBus(config), new EventBusSettings { MaxEventSize = config.MaxEventSize });

    public static RequestServerOptions RequestServer(MasterConfig config) =>
        RequestServerOptions.ForMaster(config.Interface, config.RetPort) with
        {
            Transport = config.Transport == "tcp" ? RequestTransport.Tcp : RequestTransport.ZeroMq,
            TryTimeout = TimeSpan.FromSeconds(config.Timeout),
            Tries = Math.Max(1, config.RequestChannelTries),
        };

    /// <summary>
    /// The publish client, with what the master config adds to every publish (<c>ext_job_cache</c>, <c>order_masters</c>),
    /// and the key of the user Salt would publish as (reference §8.3, §8.4).
    /// </summary>
    public static (PublishClient Client, PublishCredentials Credentials) Publisher(MasterConfig config)
    {
        var sockDirToCheck = config.IpcMode == "tcp" ? null : config.SockDir;
        var client = new PublishClient(RequestServer(config), sockDirToCheck)
        {
            ExtJobCache = config.ExtJobCache,
            OrderMastersTimeout = config.OrderMasters ? config.Timeout : null,
        };
        return (client, KeyResolver.Resolve(config.CacheDir, config.User));
    }
}

using NetMQ;

namespace SaltBatch.Core.Publish;

/// <summary>NetMQ keeps background threads alive after its sockets are gone; the module releases them when it is removed.</summary>
public static class NetMqRuntime
{
    public static void Cleanup() => NetMQConfig.Cleanup(block: false);
}

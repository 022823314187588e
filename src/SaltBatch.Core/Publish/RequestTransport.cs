namespace SaltBatch.Core.Publish;

/// <summary>The master config's <c>transport</c>: how the request server talks (reference §8.2).</summary>
public enum RequestTransport
{
    ZeroMq,
    Tcp,
}

namespace SaltBatch.Core.Config;

public enum EventEndpointKind
{
    Unix,
    Tcp,
}

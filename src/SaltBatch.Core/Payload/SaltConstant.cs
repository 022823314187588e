namespace SaltBatch.Core.Payload;

/// <summary>A Salt named constant (<c>salt.defaults._Constant</c>), carried as msgpack ext type 79.</summary>
public sealed record SaltConstant(string Name, object? Value)
{
    public override string ToString() => Name;
}

using System.Collections;
using System.Management.Automation;

namespace SaltBatch;

/// <summary>
/// Lets <c>-Master</c> take connection objects, their names, or the <c>Master</c> name of piped results (including
/// this host's name, for results read locally, and deserialized connections from a remote session).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SaltMasterArgumentAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        if (inputData is null)
        {
            return null;
        }

        var items = LanguagePrimitives.GetEnumerable(inputData) is { } sequence && inputData is not string
            ? sequence.Cast<object?>()
            : [inputData];
        return items.Where(item => item is not null).Select(One).ToArray();
    }

    private static SaltMasterConnection One(object? item)
    {
        var value = item is PSObject wrapped ? wrapped.BaseObject : item;
        return value switch
        {
            SaltMasterConnection connection => connection,
            string name => SaltMasters.Resolve(name),
            PSCustomObject when item is PSObject { Properties: var properties } && properties["Name"]?.Value is string name => SaltMasters.Resolve(name),
            _ => throw new ArgumentTransformationMetadataException($"-Master takes connections from Connect-SaltMaster or their names, not '{value}' ({value?.GetType().Name})."),
        };
    }
}

using System.Management.Automation;
using SaltBatch.Core.Batches;

namespace SaltBatch;

/// <summary>Rejects a -BatchSize Salt would not take while parameters bind, before anything is sent.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateBatchSizeAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var text = (arguments is PSObject wrapped ? wrapped.BaseObject : arguments) as string;
        if (BatchSizeSpec.TryParse(text) is null)
        {
            throw new ValidationMetadataException($"'{text}' is not a batch size: use {BatchSizeSpec.Expected}.");
        }
    }
}

using System.Management.Automation;
using SaltBatch.Core.Batches;

namespace SaltBatch;

/// <summary>Rejects a -TargetType Salt does not have while parameters bind; the list is the engine's one.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateTargetTypeAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var text = (arguments is PSObject wrapped ? wrapped.BaseObject : arguments) as string;
        if (text is null || !BatchTarget.Types.Contains(text))
        {
            throw new ValidationMetadataException($"'{text}' is not a Salt target type: use one of {string.Join(", ", BatchTarget.Types)}.");
        }
    }
}

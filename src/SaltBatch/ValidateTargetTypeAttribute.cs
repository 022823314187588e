using SaltBatch.Core.Batches;

namespace SaltBatch;

/// <summary>Rejects a -TargetType Salt does not have while parameters bind; the list is the engine's one.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateTargetTypeAttribute : ValidateTextAttribute
{
    protected override string? Problem(string? text) =>
        text is null || !BatchTarget.Types.Contains(text) ? $"'{text}' is not a Salt target type: use one of {string.Join(", ", BatchTarget.Types)}." : null;
}

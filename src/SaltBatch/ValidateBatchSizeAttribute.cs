using SaltBatch.Core.Batches;

namespace SaltBatch;

/// <summary>Rejects a -BatchSize Salt would not take while parameters bind, before anything is sent.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateBatchSizeAttribute : ValidateTextAttribute
{
    protected override string? Problem(string? text) =>
        BatchSizeSpec.TryParse(text) is null ? $"'{text}' is not a batch size: use {BatchSizeSpec.Expected}." : null;
}

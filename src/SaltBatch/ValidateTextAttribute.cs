using System.Management.Automation;

namespace SaltBatch;

/// <summary>A parameter's text checked while PowerShell binds it, before anything is read or sent.</summary>
public abstract class ValidateTextAttribute : ValidateArgumentsAttribute
{
    protected sealed override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        if (Problem((arguments is PSObject wrapped ? wrapped.BaseObject : arguments) as string) is { } problem)
        {
            throw new ValidationMetadataException(problem);
        }
    }

    /// <returns>What is wrong with the text, for the binding error; null when it is accepted.</returns>
    protected abstract string? Problem(string? text);
}

using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using SaltBatch.Core.Batches;

namespace SaltBatch;

/// <summary>Completes <c>-TargetType</c> with Salt's target types.</summary>
public sealed class TargetTypeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return BatchTarget.Types
            .Where(type => type.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(type => new CompletionResult(type, type, CompletionResultType.ParameterValue, $"Salt target type {type}"))
            .ToList();
    }
}

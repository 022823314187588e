using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SaltBatch;

/// <summary>Completes <c>-Master</c> with the names of this process's connections, then this host's name.</summary>
public sealed class SaltMasterNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var offers = SaltMasters.All
            .Select(connection => (connection.Name, Tooltip: $"{connection.Uri} as {connection.User} ({connection.EAuth})"))
            .Append((Name: SaltMasters.ThisHostName, Tooltip: "the master on this host, read directly"));
        return offers
            .Where(offer => offer.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .DistinctBy(offer => offer.Name, StringComparer.OrdinalIgnoreCase)
            .Select(offer => new CompletionResult(offer.Name.IndexOfAny([' ', '\'', '"', '$', ';', ',']) >= 0 ? $"'{offer.Name.Replace("'", "''")}'" : offer.Name, offer.Name, CompletionResultType.ParameterValue, offer.Tooltip))
            .ToList();
    }
}

using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using SaltBatch.Core.Batches;
using SaltBatch.Core.Cache;

namespace SaltBatch;

/// <summary>
/// Tab completion for -Jid: the batches the command can act on, matched by prefix (or by wildcard when the word has
/// one), quoted when needed, each with a tooltip an admin can choose by: function, target, done/total, state, age.
/// </summary>
public abstract class JidCompleter : IArgumentCompleter
{
    private const string CharactersNeedingQuotes = " \t'\"`$;,(){}@&|<>#";

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var (quote, word) = Unquote(wordToComplete ?? string.Empty);
            var matches = Matcher(word);
            var now = DateTimeOffset.UtcNow;
            var masters = MastersOnTheLine(fakeBoundParameters);
            var candidates = masters.Count == 0 || masters.Any(master => master.IsThisHost)
                ? Candidates(Catalog(fakeBoundParameters), matches)
                : [];
            var remote = masters.Where(master => master.Api is not null).SelectMany(master => RemoteJidCandidates.Active(master.Api!, matches));
            return candidates.Concat(remote).DistinctBy(summary => summary.Jid).Select(summary => Result(summary, quote, now)).ToList();
        }
        catch (Exception)
        {
            // A completer must never break the prompt: no master here, no permission, a bad config — offer nothing.
            return [];
        }
    }

    /// <summary>The batches to offer, best first, each JID matching.</summary>
    protected abstract IEnumerable<BatchSummary> Candidates(BatchCatalog catalog, Func<string, bool> jidMatches);

    /// <summary>The -Master values already typed: connections, names, or this host's name.</summary>
    private static IReadOnlyList<SaltMasterConnection> MastersOnTheLine(IDictionary boundParameters) =>
        boundParameters.Contains("Master") && new SaltMasterArgumentAttribute().Transform(null!, boundParameters["Master"]) is SaltMasterConnection[] masters
            ? masters
            : [];

    private static BatchCatalog Catalog(IDictionary boundParameters)
    {
        var config = MasterContext.Resolve(PathArgument(boundParameters, "ConfigPath"), PathArgument(boundParameters, "CacheDir"));
        return new BatchCatalog(new JobCacheLayout(config.CacheDir, config.HashType));
    }

    private static string? PathArgument(IDictionary boundParameters, string name)
    {
        if (!boundParameters.Contains(name) || boundParameters[name] is not { } value || value.ToString() is not { Length: > 0 } path)
        {
            return null;
        }

        return Path.IsPathRooted(path) ? path : Path.GetFullPath(path, CurrentLocation());
    }

    /// <summary>The session's location (not the process's), read through a nested pipeline as completers may.</summary>
    private static string CurrentLocation()
    {
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        return shell.AddCommand("Microsoft.PowerShell.Management\\Get-Location").Invoke<PathInfo>().FirstOrDefault()?.ProviderPath
            ?? Environment.CurrentDirectory;
    }

    private static Func<string, bool> Matcher(string word)
    {
        if (WildcardPattern.ContainsWildcardCharacters(word))
        {
            var pattern = new WildcardPattern(word, WildcardOptions.IgnoreCase);
            return pattern.IsMatch;
        }

        return jid => jid.StartsWith(word, StringComparison.OrdinalIgnoreCase);
    }

    private static (char? Quote, string Word) Unquote(string word)
    {
        if (word.Length > 0 && (word[0] == '\'' || word[0] == '"'))
        {
            var quote = word[0];
            var inner = word[1..];
            return (quote, inner.EndsWith(quote) ? inner[..^1] : inner);
        }

        return (null, word);
    }

    private static CompletionResult Result(BatchSummary summary, char? quote, DateTimeOffset now)
    {
        var jid = summary.Jid ?? string.Empty;
        var text = quote is { } q
            ? $"{q}{(q == '\'' ? jid.Replace("'", "''") : jid)}{q}"
            : jid.IndexOfAny(CharactersNeedingQuotes.ToCharArray()) >= 0 ? $"'{jid.Replace("'", "''")}'" : jid;
        return new CompletionResult(text, jid, CompletionResultType.ParameterValue, Tooltip(summary, now));
    }

    private static string Tooltip(BatchSummary summary, DateTimeOffset now)
    {
        var state = summary.Halted ? $"Halted ({summary.HaltedReason ?? "no reason"})" : summary.IsFinished ? "Complete" : "Running";
        var age = summary.AgeSeconds(now) is { } seconds ? $", last progress {FormatAge(seconds)} ago" : string.Empty;
        return $"{summary.Function} on {summary.Target}: {summary.Completed}/{summary.Total} done, {summary.Active} active, {summary.Failed} failed, {state}{age}";
    }

    private static string FormatAge(double seconds) => seconds switch
    {
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0}s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0}m"),
        < 172800 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.#}h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 86400:0.#}d"),
    };
}

/// <summary>Active batches: what Stop-SaltBatch and Wait-SaltBatch can act on.</summary>
public sealed class ActiveJidCompleter : JidCompleter
{
    protected override IEnumerable<BatchSummary> Candidates(BatchCatalog catalog, Func<string, bool> jidMatches) =>
        JidCandidates.Active(catalog, jidMatches);
}

/// <summary>Active batches first, then the rest of the job cache newest first: what Get-SaltBatch can look up.</summary>
public sealed class CachedJidCompleter : JidCompleter
{
    protected override IEnumerable<BatchSummary> Candidates(BatchCatalog catalog, Func<string, bool> jidMatches) =>
        JidCandidates.ActiveThenRecent(catalog, jidMatches);
}

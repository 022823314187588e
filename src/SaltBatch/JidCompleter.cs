using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using SaltBatch.Core.Batches;
using SaltBatch.Core;
using SaltBatch.Core.Cache;

namespace SaltBatch;

/// <summary>
/// Tab completion for -Jid: the batches the command can act on, matched by prefix (or by wildcard when the word has
/// one), quoted when needed, each with a tooltip an admin can choose by: function, target, done/total, state, age.
/// </summary>
public abstract class JidCompleter : IArgumentCompleter
{
    private const string CharactersNeedingQuotes = " \t'\"`$;,(){}@&|<>#";

    /// <summary>How long a key press waits for a salt-api master before offering what the others had.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var (quote, word) = Unquote(wordToComplete ?? string.Empty);
            var matches = Matcher(word);
            var now = DateTimeOffset.UtcNow;
            var masters = new MasterSelection(() => ThisHost(fakeBoundParameters)).Pick(MastersOnTheLine(fakeBoundParameters), _ => { });
            using var patience = new CancellationTokenSource(Patience);
            var offers = Task.WhenAll(masters.Select(master => OfferAsync(master, matches, patience.Token))).GetAwaiter().GetResult();
            return offers.SelectMany(offer => offer).DistinctBy(summary => summary.Jid).Select(summary => Result(summary, quote, now)).ToList();
        }
        catch (Exception)
        {
            // A completer must never break the prompt: no master here, no permission, a bad config — offer nothing.
            return [];
        }
    }

    /// <summary>Whether the command can act on finished batches too (the rest of the job cache), not only active ones.</summary>
    protected abstract bool IncludeHistory { get; }

    /// <summary>One master's offer; a master that cannot answer in time offers nothing, and the others still do.</summary>
    private async Task<IReadOnlyList<BatchSummary>> OfferAsync(IBatchMaster master, Func<string, bool> matches, CancellationToken patience)
    {
        try
        {
            return await master.OfferJidsAsync(matches, IncludeHistory, patience).ConfigureAwait(false);
        }
        catch (Exception error) when (error is SaltBatchException or OperationCanceledException)
        {
            return [];
        }
    }

    /// <summary>The -Master values already typed: connections, names, or this host's name.</summary>
    private static SaltMasterConnection[] MastersOnTheLine(IDictionary boundParameters) =>
        boundParameters.Contains("Master") && new SaltMasterArgumentAttribute().Transform(null!, boundParameters["Master"]) is SaltMasterConnection[] masters
            ? masters
            : [];

    /// <summary>This host's master as the line's -ConfigPath and -CacheDir describe it.</summary>
    private static LocalBatchMaster ThisHost(IDictionary boundParameters) =>
        LocalBatchMaster.For(SaltMasters.ThisHostName, MasterContext.Resolve(PathArgument(boundParameters, "ConfigPath"), PathArgument(boundParameters, "CacheDir")));

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
    protected override bool IncludeHistory => false;
}

/// <summary>Active batches first, then the rest of the job cache newest first: what Get-SaltBatch can look up.</summary>
public sealed class CachedJidCompleter : JidCompleter
{
    protected override bool IncludeHistory => true;
}

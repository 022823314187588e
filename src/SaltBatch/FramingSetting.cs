using SaltBatch.Core.Bus;

namespace SaltBatch;

/// <summary>
/// The event-bus pull framing a call uses: -Framing when given, else $env:SALTBATCH_EVENT_FRAMING (the module-wide
/// default, for masters whose framing should never be probed), else Auto (probe once per master).
/// </summary>
internal static class FramingSetting
{
    public const string Variable = "SALTBATCH_EVENT_FRAMING";

    /// <param name="given">The cmdlet's -Framing as text (Auto, Prefixed or Bare), null when it was not given: docs/architecture.md, "Types across the engine boundary".</param>
    /// <returns>The framing and, when it is not Auto, where it came from (for the message when a stop goes unconfirmed).</returns>
    /// <exception cref="ArgumentException">The variable holds something else.</exception>
    public static (PullFraming Framing, string? ForcedBy, string? Note) Resolve(string? given)
    {
        if (given is not null)
        {
            var forced = Enum.Parse<PullFraming>(given, ignoreCase: true);
            return (forced, forced == PullFraming.Auto ? null : $"-Framing {forced}", null);
        }

        var setting = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(setting))
        {
            return (PullFraming.Auto, null, null);
        }

        if (Enum.TryParse<PullFraming>(setting, ignoreCase: true, out var framing))
        {
            return (framing, framing == PullFraming.Auto ? null : $"$env:{Variable} = '{setting}'", $"Event framing {framing} from $env:{Variable}.");
        }

        throw new ArgumentException($"$env:{Variable} is '{setting}'; use Auto, Prefixed or Bare.");
    }
}

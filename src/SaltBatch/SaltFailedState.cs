using SaltBatch.Core.Cache;

namespace SaltBatch;

/// <summary>A state that failed on a minion (result False), with what Salt's highstate output shows for it.</summary>
public sealed class SaltFailedState
{
    internal SaltFailedState(string minion, FailedState state)
    {
        Minion = minion;
        Id = state.Id;
        Function = state.Function;
        Name = state.Name;
        Comment = state.Comment;
        DurationMs = state.Duration;
    }

    public string Minion { get; }

    /// <summary>The state id in the SLS.</summary>
    public string Id { get; }

    /// <summary>The state function, such as <c>file.managed</c>.</summary>
    public string Function { get; }

    public string Name { get; }

    /// <summary>Salt's explanation of the failure.</summary>
    public string Comment { get; }

    /// <summary>Milliseconds the state ran, as Salt reports it.</summary>
    public double? DurationMs { get; }
}

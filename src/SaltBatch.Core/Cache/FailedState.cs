namespace SaltBatch.Core.Cache;

/// <summary>One state of a state run whose <c>result</c> was False, as Salt's highstate outputter lists it.</summary>
/// <param name="Id">The state id (<c>__id__</c>).</param>
/// <param name="Function">The state function, such as <c>file.managed</c>.</param>
/// <param name="Name">The state's <c>name</c>.</param>
/// <param name="Duration">Milliseconds, as Salt reports it; null when absent.</param>
/// <param name="RunNumber">Its place in the run (<c>__run_num__</c>).</param>
public sealed record FailedState(string Id, string Function, string Name, string Comment, double? Duration, long RunNumber);

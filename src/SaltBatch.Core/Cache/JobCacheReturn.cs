namespace SaltBatch.Core.Cache;

/// <summary>
/// A minion's return as the master's local_cache returner keeps it in the job directory (reference §4.3):
/// <c>&lt;minion&gt;/return.p</c> and the outputter it named in <c>out.p</c>.
/// </summary>
/// <param name="Return">The return itself: the <c>return</c> of the 3006+ format, or the whole older bare value.</param>
/// <param name="Outputter">From <c>out.p</c>, when there is one (highstate, nested, ...).</param>
public sealed record JobCacheReturn(object? Return, string? Outputter);

namespace SaltBatch.Core.Publish;

/// <summary>An accepted publish: the JID the master gave the new job, the minions it went to, and the targets it does not know.</summary>
public sealed record PublishResult(string Jid, IReadOnlyList<string> Minions, IReadOnlyList<string> Missing);

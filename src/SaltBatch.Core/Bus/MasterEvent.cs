using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Bus;

/// <summary>One event of the master's bus: its tag and its data decoded with <c>encoding="utf-8"</c> semantics.</summary>
public sealed record MasterEvent(string Tag, PayloadMap Data);

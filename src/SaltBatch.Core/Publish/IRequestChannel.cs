using SaltBatch.Core.Payload;

namespace SaltBatch.Core.Publish;

/// <summary>One transport to the master's request server. A try that times out leaves the channel ready for the next.</summary>
internal interface IRequestChannel : IDisposable
{
    Task<RequestAttempt> TryRequestAsync(PayloadMap envelope, TimeSpan timeout, CancellationToken cancellationToken);
}

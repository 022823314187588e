namespace SaltBatch.Core.Publish;

/// <summary>The outcome of one try: the decoded reply, or nothing within the try's timeout.</summary>
internal readonly record struct RequestAttempt(bool Answered, object? Reply)
{
    public static RequestAttempt NoReply => new(false, null);
}

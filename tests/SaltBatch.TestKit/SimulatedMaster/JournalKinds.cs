namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>The record kinds of the journal and their fields.</summary>
public static class JournalKinds
{
    /// <summary>A valid event arrived on the pull socket: <c>tag</c>, <c>data</c>.</summary>
    public const string EventReceived = "event-received";

    /// <summary>An event went out on the pub socket: <c>tag</c>, <c>data</c>, <c>subscribers</c>.</summary>
    public const string EventPublished = "event-published";

    /// <summary>A request reached the request server: <c>fun</c>, <c>arg</c>, <c>tgt</c>, <c>tgt_type</c>, <c>user</c>, <c>accepted</c>, <c>reply</c> (never the key).</summary>
    public const string PublishReceived = "publish-received";

    /// <summary>A request's envelope <c>version</c> was below <c>minimum_auth_version</c> and got "bad load": <c>version</c>, <c>minimum_auth_version</c>.</summary>
    public const string PublishRefused = "publish-refused";

    /// <summary>A client broke the wire contract (framing, envelope layout, key order): <c>detail</c>.</summary>
    public const string ProtocolError = "protocol-error";

    /// <summary>A <c>salt/batch/&lt;jid&gt;/stop</c> was handled: <c>jid</c>, <c>action</c> (halted, retired or ignored).</summary>
    public const string StopHandled = "stop-handled";

    /// <summary>A pub subscriber was accepted: <c>subscribers</c> (the count now); lets callers fire only once someone listens.</summary>
    public const string SubscriberConnected = "subscriber-connected";

    /// <summary>A <c>salt/batch/&lt;jid&gt;/new</c> was handled: <c>jid</c>, <c>action</c> (adopted, unreadable, missing or ignored), <c>owner</c>, <c>mode</c>.</summary>
    public const string BatchNewHandled = "batch-new-handled";

    /// <summary>The master stopped its index traffic: <c>writes</c>, and <c>live</c>, the other JIDs it meant the index to hold.</summary>
    public const string IndexTraffic = "index-traffic";

    /// <summary>The index churn rewrote <c>batch_active.p</c> another hundred times: <c>writes</c> (the total).</summary>
    public const string IndexChurned = "index-churned";
}

namespace SaltBatch.Core;

/// <summary>Why a core operation failed. The cmdlet layer maps each kind to one error id and category.</summary>
public enum SaltFailureKind
{
    NotFound,
    InvalidJid,
    AlreadyHalted,
    Corrupt,
    AccessDenied,
    CacheUnavailable,
    ConfigInvalid,
    UnsupportedHashType,
    MasterUnreachable,
    StopNotConfirmed,
    PublishRejected,
    AuthenticationFailed,
    AuthorizationFailed,
    NoMinionsMatched,
    Timeout,
    WaitTimeout,
    AlreadyComplete,
    InvalidArgument,
    NoMinions,

    /// <summary>What was asked would run minions twice: the batch still dispatches or waits for them.</summary>
    StillRunning,

    /// <summary>More minions of a batch were unsuccessful than the failure budget allows.</summary>
    FailureBudgetExceeded,

    /// <summary>Another writer kept replacing a shared file (the active index) under every try.</summary>
    WriteConflict,

    /// <summary>Writing into the master's cache failed for a reason other than permissions: no space, a read-only file system, an IO error.</summary>
    CacheWriteFailed,

    /// <summary>salt-api refused the login: user, password or eauth.</summary>
    ApiAuthenticationFailed,

    /// <summary>salt-api accepted the login, but the master's external_auth does not allow the call.</summary>
    ApiAccessDenied,

    /// <summary>The master does not enable the salt-api client needed (netapi_enable_clients).</summary>
    ApiClientDisabled,

    /// <summary>The master has no batch runner (a Salt release before it).</summary>
    BatchRunnerMissing,

    /// <summary>SaltBatch's companion runner (saltbatch) is not installed on the master.</summary>
    CompanionRunnerMissing,

    /// <summary>The salt-api's TLS certificate is not trusted, so the connection was refused.</summary>
    CertificateNotTrusted,

    /// <summary>salt-api answered something a client cannot use (an unexpected status or body).</summary>
    ApiError,
}

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
}

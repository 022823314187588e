using System.Management.Automation;
using SaltBatch.Core;

namespace SaltBatch;

/// <summary>The one mapping from core failure kinds to PowerShell error ids and categories.</summary>
internal static class SaltErrors
{
    private static readonly Dictionary<SaltFailureKind, (string Id, ErrorCategory Category)> Map = new()
    {
        [SaltFailureKind.NotFound] = ("SaltBatchNotFound", ErrorCategory.ObjectNotFound),
        [SaltFailureKind.InvalidJid] = ("SaltBatchInvalidJid", ErrorCategory.InvalidArgument),
        [SaltFailureKind.AlreadyHalted] = ("SaltBatchAlreadyHalted", ErrorCategory.InvalidOperation),
        [SaltFailureKind.Corrupt] = ("SaltBatchCorrupt", ErrorCategory.InvalidData),
        [SaltFailureKind.AccessDenied] = ("SaltBatchAccessDenied", ErrorCategory.PermissionDenied),
        [SaltFailureKind.CacheUnavailable] = ("SaltBatchCacheUnavailable", ErrorCategory.ResourceUnavailable),
        [SaltFailureKind.ConfigInvalid] = ("SaltMasterConfigInvalid", ErrorCategory.InvalidData),
        [SaltFailureKind.UnsupportedHashType] = ("SaltMasterConfigUnsupportedHashType", ErrorCategory.InvalidData),
        [SaltFailureKind.MasterUnreachable] = ("SaltMasterUnreachable", ErrorCategory.ConnectionError),
        [SaltFailureKind.StopNotConfirmed] = ("SaltBatchStopNotConfirmed", ErrorCategory.OperationTimeout),
        [SaltFailureKind.PublishRejected] = ("SaltBatchPublishRejected", ErrorCategory.InvalidResult),
        [SaltFailureKind.AuthenticationFailed] = ("SaltBatchAuthenticationFailed", ErrorCategory.AuthenticationError),
        [SaltFailureKind.AuthorizationFailed] = ("SaltBatchAuthorizationFailed", ErrorCategory.PermissionDenied),
        [SaltFailureKind.NoMinionsMatched] = ("SaltBatchNoMinionsMatched", ErrorCategory.ObjectNotFound),
        [SaltFailureKind.Timeout] = ("SaltBatchTimeout", ErrorCategory.OperationTimeout),
        [SaltFailureKind.WaitTimeout] = ("SaltBatchWaitTimeout", ErrorCategory.OperationTimeout),
        [SaltFailureKind.AlreadyComplete] = ("SaltBatchAlreadyComplete", ErrorCategory.InvalidOperation),
        [SaltFailureKind.InvalidArgument] = ("SaltBatchInvalidArgument", ErrorCategory.InvalidArgument),
        [SaltFailureKind.NoMinions] = ("SaltBatchNoMinions", ErrorCategory.ObjectNotFound),
        [SaltFailureKind.StillRunning] = ("SaltBatchStillRunning", ErrorCategory.InvalidOperation),
        [SaltFailureKind.FailureBudgetExceeded] = ("SaltBatchFailureBudgetExceeded", ErrorCategory.LimitsExceeded),
        [SaltFailureKind.CacheWriteFailed] = ("SaltBatchCacheWriteFailed", ErrorCategory.WriteError),
        [SaltFailureKind.WriteConflict] = ("SaltBatchWriteConflict", ErrorCategory.ResourceBusy),
        [SaltFailureKind.ApiAuthenticationFailed] = ("SaltApiAuthenticationFailed", ErrorCategory.AuthenticationError),
        [SaltFailureKind.ApiAccessDenied] = ("SaltApiAccessDenied", ErrorCategory.PermissionDenied),
        [SaltFailureKind.ApiClientDisabled] = ("SaltApiClientDisabled", ErrorCategory.NotEnabled),
        [SaltFailureKind.BatchRunnerMissing] = ("SaltApiBatchRunnerMissing", ErrorCategory.NotImplemented),
        [SaltFailureKind.CompanionRunnerMissing] = ("SaltApiRunnerNotInstalled", ErrorCategory.NotInstalled),
        [SaltFailureKind.CertificateNotTrusted] = ("SaltApiCertificateNotTrusted", ErrorCategory.SecurityError),
        [SaltFailureKind.ApiError] = ("SaltApiError", ErrorCategory.InvalidResult),
    };

    /// <summary>Stop-SaltBatch -Kill whose kill publish failed (the stop itself went on); the category says why.</summary>
    public const string KillNotPublishedId = "SaltBatchKillNotPublished";

    public static ErrorRecord ToErrorRecord(SaltBatchException exception, object? target = null) =>
        ToErrorRecord(exception, Map[exception.Kind].Id, target);

    /// <summary>A failure under an id of its own, in the category its kind has.</summary>
    public static ErrorRecord ToErrorRecord(SaltBatchException exception, string id, object? target) =>
        new(exception, id, Map[exception.Kind].Category, target ?? exception.Target);
}

using System.Management.Automation;

namespace SaltBatch;

/// <summary>
/// <para type="synopsis">Shows the master configuration SaltBatch resolved: files read, cachedir, sock_dir, hash_type, user, transport and ports.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SaltMasterConfig")]
[OutputType(typeof(SaltMasterConfigInfo))]
public sealed class GetSaltMasterConfigCommand : SaltCmdletBase
{
    /// <summary>Showing the configuration must work even when the cache is missing: that is when it is needed most.</summary>
    protected override bool NeedsCache => false;

    protected override void EndProcessing() => WriteObject(new SaltMasterConfigInfo(Config));
}

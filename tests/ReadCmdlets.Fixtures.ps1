# Shared fixture spec for the read-cmdlet tests: a small cache with batches in every state and broken entries.
$script:RunningJid = '20240610120000000000'
$script:HaltedJid = '20240610120500000000'
$script:CompleteJid = '20240610121000000000'
$script:UniqueJid = '20240610121500000000_4242'
$script:MissingStateJid = '20240610130000000000'
$script:EmptyStateJid = '20240610130500000000'
$script:TruncatedStateJid = '20240610131000000000'

function New-ReadCmdletCache {
    param([Parameter(Mandatory)][string] $Path, [string] $HashType = 'sha256')
    New-SaltTestCache -Path $Path -Spec @{
        hashType      = $HashType
        batches       = @(
            @{ jid = $RunningJid; fun = 'test.ping'; tgt = 'web*'; tgtType = 'glob'; minions = @('web1', 'web2', 'web3'); done = 1; active = 1; batchSize = 2; created = 1718020800.0; lastProgress = 1718020802.25 }
            @{ jid = $HaltedJid; fun = 'state.apply'; tgt = 'db*'; tgtType = 'glob'; total = 4; done = 2; active = 1; batchSize = 1; halted = $true; haltedReason = 'stop'; created = 1718021100.0; lastProgress = 1718021160.5; user = 'salt' }
            @{ jid = $CompleteJid; fun = 'cmd.run'; tgt = 'app*'; tgtType = 'glob'; total = 5; done = 4; failed = 1; batchSize = 2; created = 1718021400.0; lastProgress = 1718021460.0 }
            @{ jid = $UniqueJid; fun = 'test.ping'; tgt = @('ünï1', 'ünï2'); tgtType = 'list'; minions = @('ünï1', 'ünï2'); done = 0; active = 2; batchSize = 2; created = 1718021700.0; lastProgress = 1718021701.0; driver = 'cli' }
        )
        # Unsorted and with a duplicate on purpose: the runner sorts and de-duplicates.
        activeIndex   = @($UniqueJid, $TruncatedStateJid, $RunningJid, $EmptyStateJid, $HaltedJid, $MissingStateJid, $RunningJid)
        rawBatchFiles = @(
            @{ jid = $EmptyStateJid; hex = '' }
            @{ jid = $TruncatedStateJid; hex = 'de0018a36a6964b432303234' }
        )
    }
}

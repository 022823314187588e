# The companion runner (src/salt/_runners/saltbatch.py) outside Salt: run by Debian's python3 against stand-ins for the
# Salt APIs it calls (peers/runner_standin.py), on a job cache the python3-msgpack peer wrote as a master leaves it.
# Its per-minion view must equal the local Get-SaltBatchMinion's on the same cache. The genuine loader, salt-run and
# master run it in RealSalt/RealSalt.Tests.ps1.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule

    $script:Python = Get-PeerPython
    $script:Runner = Join-Path $PSScriptRoot '../src/salt/_runners/saltbatch.py'
    $script:OutcomeJid = '20240611090000000000'
    $script:Cache = Join-Path $TestDrive 'cache'
    $null = & $Python (Join-Path $PSScriptRoot 'peers/job_cache_peer.py') outcome-batch $Cache sha256 $OutcomeJid
    if ($LASTEXITCODE) { throw "job_cache_peer.py failed ($LASTEXITCODE)" }

    function script:Invoke-Runner {
        param([Parameter(ValueFromRemainingArguments)][string[]] $Arguments)
        $output = & $Python (Join-Path $PSScriptRoot 'peers/runner_standin.py') $Runner $Cache sha256 @Arguments 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | Out-String).Trim() }
    }

    function script:Format-Minion($minion) {
        "$($minion.Minion) $($minion.State.ToLowerInvariant()) $($minion.Outcome) $($minion.Retcode) $($minion.Reason)"
    }
}

Describe 'The companion runner''s saltbatch.minions' {
    It 'lists every minion with the same state, outcome, retcode and reason as Get-SaltBatchMinion, in the same order' {
        $run = Invoke-Runner minions $OutcomeJid
        $run.ExitCode | Should -Be 0
        # As hashtables: each row has only the keys its state has (no retcode for a pending minion).
        $fromRunner = @($run.Output | ConvertFrom-Json -AsHashtable | ForEach-Object { "$($_['minion']) $($_['state']) $($_['outcome']) $($_['retcode']) $($_['reason'])" })

        $fromRunner | Should -Be @(Get-SaltBatchMinion -CacheDir $Cache -Jid $OutcomeJid | ForEach-Object { Format-Minion $_ })
        $fromRunner.Count | Should -Be 9
    }

    It 'filters on outcomes as -Outcome does, whatever their case' {
        $run = Invoke-Runner minions $OutcomeJid 'outcome=failed,TimedOut'

        @($run.Output | ConvertFrom-Json).minion |
            Should -Be @(Get-SaltBatchMinion -CacheDir $Cache -Jid $OutcomeJid -Outcome Failed, TimedOut).Minion
    }

    It 'gives the dispatch time of an active minion as .batch.p holds it, the second Get-SaltBatchMinion shows' {
        $active = @(Invoke-Runner minions $OutcomeJid 'outcome=Abandoned').Output | ConvertFrom-Json
        $local = Get-SaltBatchMinion -CacheDir $Cache -Jid $OutcomeJid -Outcome Abandoned

        [DateTimeOffset]::FromUnixTimeMilliseconds([long]($active.dispatched_at * 1000)).UtcDateTime | Should -Be $local.DispatchedAt.ToUniversalTime()
    }

    It 'refuses <Case> with a message that says what is wrong, and lists nothing' -ForEach @(
        @{ Case = 'a JID that is not a JID'; Arguments = @('minions', '2024'); Message = "'2024' is not a JID" }
        @{ Case = 'a batch that is not there'; Arguments = @('minions', '20991231235959000000'); Message = 'No batch with JID 20991231235959000000' }
        @{ Case = 'an outcome that does not exist'; Arguments = @('minions', '20240611090000000000', 'outcome=Broken'); Message = "'Broken' is not an outcome; use one or more of Succeeded, Failed" }
    ) {
        $run = Invoke-Runner @Arguments

        $run.ExitCode | Should -Be 1
        $run.Output | Should -Match ([regex]::Escape($Message))
    }

    It 'says its version' {
        (Invoke-Runner version).Output | ConvertFrom-Json | Should -Be '0.1.0'
    }
}

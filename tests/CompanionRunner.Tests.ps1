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

    It 'gives returns only to <Case>' -ForEach @(
        @{ Case = 'the user who started the batch'; Flags = @('--user', 'root'); Allowed = $true }
        @{ Case = 'a return reader the admin named (a glob)'; Flags = @('--user', 'ops-alice', '--opt', 'saltbatch={"return_readers": ["ops-*"]}'); Allowed = $true }
        @{ Case = 'a local salt-run (root on the master host)'; Flags = @('--user', 'sudo_bob', '--cli'); Allowed = $true }
        @{ Case = 'nobody else'; Flags = @('--user', 'mallory', '--opt', 'saltbatch={"return_readers": ["ops-*"]}'); Allowed = $false }
    ) {
        $output = & $Python (Join-Path $PSScriptRoot 'peers/runner_standin.py') @Flags $Runner $Cache sha256 minions $OutcomeJid include_return=True 2>&1
        $code = $LASTEXITCODE

        if ($Allowed) {
            $code | Should -Be 0
            $rows = @(($output | Out-String) | ConvertFrom-Json -AsHashtable)
            ($rows | Where-Object { $_['minion'] -eq 'slow1' })['late_return'] | Should -BeTrue
            ($rows | Where-Object { $_['minion'] -eq 'ok1' })['outputter'] | Should -Be (Get-SaltBatchMinion -CacheDir $Cache -Jid $OutcomeJid -Minion ok1 -IncludeReturn).Outputter
        }
        else {
            $code | Should -Be 1
            ($output | Out-String) | Should -Match 'mallory may not read the returns of batch 20240611090000000000 \(started by root\).*return_readers'
        }
    }

    It 'summarises the batches of the job cache for history as Get-SaltBatch does' {
        $run = Invoke-Runner history
        $local = Get-SaltBatch -CacheDir $Cache

        $run.ExitCode | Should -Be 0
        $batch = $run.Output | ConvertFrom-Json
        "$($batch.jid) $($batch.state) $($batch.total) $($batch.completed) $($batch.failed) $($batch.pending) $($batch.halted_reason)" |
            Should -Be "$($local.Jid) $($local.State) $($local.Total) $($local.Completed) $($local.Failed) $($local.Pending) $($local.HaltedReason)"
        (Invoke-Runner history 'state=running').Output | Should -Be '[]'
        (Invoke-Runner history 'function=STATE.*' 'after=2024-06-10T11:59:00').Output | ConvertFrom-Json | ForEach-Object jid | Should -Be $OutcomeJid
    }

    It 'refuses a history filter it cannot read, saying which' {
        $run = Invoke-Runner history 'limit=0'

        $run.ExitCode | Should -Be 1
        $run.Output | Should -Match "limit='0' is not a positive whole number"
    }

    It 'says its version' {
        (Invoke-Runner version).Output | ConvertFrom-Json | Should -Be '0.1.0'
    }
}

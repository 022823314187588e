# Wait-SaltBatch -MaxUnsuccessful, the rolling-update safety net: against a simulated master that drives its batches
# one minion at a time, three of whose minions return a failed state run (retcode 2 in done, as Salt files it).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule
    $script:Me = (& id -un)
    $script:Nodes = 1..20 | ForEach-Object { 'app{0:d2}' -f $_ }
    $script:Failing = 'app02', 'app03', 'app04'

    function New-DrivenMaster {
        $root = Join-Path $TestDrive ("master-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 8))
        Start-SimulatedMaster -Root $root -User $Me -ExtraArgs @(
            '--accepted-minions', ($Nodes -join ','), '--drive-batches', '--step-ms', '200', '--instant-returns', '--failing-minions', ($Failing -join ','))
    }

    function Get-StopEvent($Master) {
        @(Get-MasterJournal $Master -Kind 'event-received' | Where-Object tag -Like 'salt/batch/*/stop')
    }

    # In id order, so the failing minions are dispatched 2nd to 4th and the budget is crossed early in the batch.
    function Start-Rollout($Master) {
        Start-SaltBatch -ConfigPath $Master.ConfigPath -Target $Nodes -Function state.apply -BatchSize 1 -ErrorAction Stop
    }
}

Describe 'Wait-SaltBatch -MaxUnsuccessful against a simulated master' {
    BeforeEach {
        $script:Master = New-DrivenMaster
    }
    AfterEach {
        Stop-SimulatedMaster $Master
    }

    It 'stops a batch as soon as it is past its budget, with a halt reason that says so and an error naming the minions' {
        $final = Start-Rollout $Master | Wait-SaltBatch -ConfigPath $Master.ConfigPath -MaxUnsuccessful 2 -TimeoutSec 120 -ErrorVariable failures -ErrorAction SilentlyContinue

        $final.State | Should -Be 'Halted'
        $final.HaltedReason | Should -Be 'failure_budget: 3/20 unsuccessful, max 2'
        $final.Unsuccessful | Should -Be 3
        $final.Pending | Should -BeGreaterThan 0
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'SaltBatchFailureBudgetExceeded,SaltBatch.WaitSaltBatchCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $failures[0].TargetObject.Jid | Should -Be $final.Jid
        $failures[0].Exception.Message | Should -BeLike "*3 of 20 minions unsuccessful, at most 2 allowed (app02, app03, app04)*stopped*Restart-SaltBatch -Jid $($final.Jid)*"
        $stop = Get-StopEvent $Master
        $stop.Count | Should -Be 1
        $stop[0].data.reason | Should -Be 'failure_budget: 3/20 unsuccessful, max 2'
        (Get-MasterJournal $Master -Kind 'publish-received').fun | Should -Not -Contain 'saltutil.kill_job'
    }

    It 'never stops a batch that stays within its budget of <Budget>' -ForEach @(
        @{ Budget = '3' }, @{ Budget = '15%' }
    ) {
        $final = Start-Rollout $Master | Wait-SaltBatch -ConfigPath $Master.ConfigPath -MaxUnsuccessful $Budget -TimeoutSec 120 -ErrorVariable failures

        $final.State | Should -Be 'Complete'
        $final.Unsuccessful | Should -Be 3
        $failures | Should -BeNullOrEmpty
        Get-StopEvent $Master | Should -BeNullOrEmpty
    }

    It 'stops nothing with -WhatIf, and only waits' {
        $final = Start-Rollout $Master | Wait-SaltBatch -ConfigPath $Master.ConfigPath -MaxUnsuccessful 0 -TimeoutSec 120 -WhatIf

        $final.State | Should -Be 'Complete'
        Get-StopEvent $Master | Should -BeNullOrEmpty
    }

    It 'reports a batch that finished past its budget, stopping nothing' {
        $done = Start-Rollout $Master | Wait-SaltBatch -ConfigPath $Master.ConfigPath -TimeoutSec 120

        $again = Wait-SaltBatch -ConfigPath $Master.ConfigPath -Jid $done.Jid -MaxUnsuccessful 10% -ErrorVariable failures -ErrorAction SilentlyContinue

        $again.State | Should -Be 'Complete'
        $failures.FullyQualifiedErrorId | Should -Be 'SaltBatchFailureBudgetExceeded,SaltBatch.WaitSaltBatchCommand'
        $failures[0].Exception.Message | Should -BeLike '*3 of 20 minions unsuccessful, at most 10% allowed (app02, app03, app04)*already completed, so nothing was stopped*'
        Get-StopEvent $Master | Should -BeNullOrEmpty
    }

    It 'rejects <Budget> as a budget, and -Kill without one, before anything is read' -ForEach @(
        @{ Budget = 'many' }, @{ Budget = '-1' }, @{ Budget = '100%' }, @{ Budget = '5.5' }
    ) {
        { Wait-SaltBatch -ConfigPath $Master.ConfigPath -Jid '20240101000000000000' -MaxUnsuccessful $Budget } |
            Should -Throw -ErrorId 'SaltBatchInvalidArgument,SaltBatch.WaitSaltBatchCommand'
        { Wait-SaltBatch -ConfigPath $Master.ConfigPath -Jid '20240101000000000000' -Kill } |
            Should -Throw -ErrorId 'SaltBatchInvalidArgument,SaltBatch.WaitSaltBatchCommand'
    }
}

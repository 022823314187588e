# The sandbox master (TestKit `sandbox`, what build.ps1 -Task Sandbox starts): reachable through
# $env:SALT_MASTER_CONFIG alone, its batches progress, and it stops on <root>/stop.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule

    $script:Root = Join-Path $TestDrive 'sandbox'
    $script:Sandbox = Start-TestSandbox -Root $Root -StepMilliseconds 300
    $script:Process = $Sandbox.Process
    $script:Ready = $Sandbox.Ready
    $script:SavedConfig = $env:SALT_MASTER_CONFIG
    $env:SALT_MASTER_CONFIG = $Ready.config
}

AfterAll {
    $env:SALT_MASTER_CONFIG = $SavedConfig
    Stop-TestSandbox $Sandbox
}

Describe 'The sandbox master' {
    It 'is found through $env:SALT_MASTER_CONFIG alone and lists its running and stopped batches' {
        $active = @(Get-SaltActiveBatch)

        ($active.Function | Sort-Object) | Should -Be @('pkg.upgrade', 'state.apply', 'test.ping')
        ($active | Where-Object Function -EQ 'pkg.upgrade').State | Should -Be 'Halted'
        $finished = $Ready.batches | Where-Object fun -EQ 'cmd.run'
        (Get-SaltBatch -Jid $finished.jid).State | Should -Be 'Complete'
    }

    It 'serves salt-api: its printed Connect-SaltMaster line connects, and the batches read through it are the local ones' {
        $Ready.connect | Should -BeLike "Connect-SaltMaster -Uri https://127.0.0.1:*/ -Credential * -Name sandbox -SkipCertificateCheck"
        $connection = Invoke-Expression $Ready.connect
        try {
            $connection.Name | Should -Be 'sandbox'
            $remote = @(Get-SaltActiveBatch -Master sandbox)
            $local = @(Get-SaltActiveBatch)
            ($remote.Jid | Sort-Object) | Should -Be ($local.Jid | Sort-Object)
            $remote.Master | Sort-Object -Unique | Should -Be 'sandbox'
        }
        finally {
            Disconnect-SaltMaster sandbox
        }
    }

    It 'shows a newcomer every minion outcome, the failed states and the returns only the job cache holds' {
        $stateApply = ($Ready.batches | Where-Object fun -EQ 'state.apply').jid
        $command = ($Ready.batches | Where-Object fun -EQ 'cmd.run').jid
        $upgrade = ($Ready.batches | Where-Object fun -EQ 'pkg.upgrade').jid

        $unsuccessful = @(Get-SaltBatchMinion $stateApply -Outcome Failed, TimedOut -IncludeReturn | Where-Object Minion -In 'web003.dc1.example.com', 'web007.dc1.example.com', 'web009.dc1.example.com')
        $unsuccessful.Outcome | Should -Be @('Failed', 'Failed', 'TimedOut')
        $unsuccessful[0].Retcode | Should -Be 2
        $unsuccessful[0].StatesFailed | Should -Be 2
        $unsuccessful[0].FailedStates.Comment | Should -Be @("Source file salt://nginx/files/nginx.conf not found in saltenv 'base'", 'One or more requisite failed: nginx.nginx_conf')
        $unsuccessful[2].LateReturn | Should -BeTrue
        $unsuccessful[2].StatesSucceeded, $unsuccessful[2].StatesChanged, $unsuccessful[2].Outputter | Should -Be @(3, 1, 'highstate')

        $byMinion = @{}
        Get-SaltBatchMinion $command -IncludeReturn | ForEach-Object { $byMinion[$_.Minion] = $_ }
        $byMinion['app03.dc1.example.com'].Outcome, $byMinion['app03.dc1.example.com'].Retcode | Should -Be @('Failed', 1)
        $byMinion['app06.dc1.example.com'].Outcome, $byMinion['app06.dc1.example.com'].Reason | Should -Be @('Failed', 'failed')
        $byMinion['app06.dc1.example.com'].Return | Should -BeLike 'The minion function caused an exception*'
        $summary = Get-SaltBatch $command
        $summary.Succeeded, $summary.Unsuccessful | Should -Be @(4, 2)

        (Get-SaltBatchMinion $upgrade | Group-Object Outcome -NoElement | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Count)" }) |
            Should -Be @('Abandoned=1', 'NotStarted=4', 'Succeeded=3')
    }

    It 'reruns the finished cmd.run on exactly its unsuccessful minions with Restart-SaltBatch' {
        $command = ($Ready.batches | Where-Object fun -EQ 'cmd.run').jid

        $relaunch = Get-SaltBatch $command | Restart-SaltBatch

        $relaunch.RelaunchOf | Should -Be $command
        $relaunch.Function | Should -Be 'cmd.run'
        (Get-SaltBatchMinion $relaunch.Jid).Minion | Should -Be @('app03.dc1.example.com', 'app06.dc1.example.com')
        ($relaunch | Wait-SaltBatch -TimeoutSec 60).State | Should -Be 'Complete'
    }

    It 'drives its batches to completion for Wait-SaltBatch' {
        $running = $Ready.batches | Where-Object fun -In 'state.apply', 'test.ping'

        $final = @($running | Wait-SaltBatch -TimeoutSec 60)

        $final | Should -HaveCount 2
        $final.State | Should -Be @('Complete', 'Complete')
        (Get-SaltActiveBatch).Function | Should -Be @('pkg.upgrade')
        $failedLater = @(Get-SaltBatchMinion ($final | Where-Object Function -EQ 'state.apply').Jid -Outcome Failed -IncludeReturn |
                Where-Object Minion -In 'web021.dc1.example.com', 'web033.dc1.example.com')
        $failedLater.Retcode | Should -Be @(2, 2)
        $failedLater.StatesFailed | Should -Be @(2, 2)
    }

    It 'answers the ping of Start-SaltBatch (app04 down) and drives the new batch to completion' {
        $output = Start-SaltBatch -Target 'app*' -Function state.apply -BatchSize 50% -PingTimeoutSec 2 3>&1
        $batch = $output | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] }

        ($output | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Message | Should -Be 'Minion app04.dc1.example.com did not respond. No job will be sent.'
        $batch.Total | Should -Be 5
        $batch.BatchSize | Should -Be 2
        ($batch | Wait-SaltBatch -TimeoutSec 120).State | Should -Be 'Complete'
    }

    It 'stops when <root>/stop appears' {
        $null = New-Item -ItemType File -Path (Join-Path $Root 'stop')

        $Process.WaitForExit(10000) | Should -BeTrue
        $Process.ExitCode | Should -Be 0
    }
}

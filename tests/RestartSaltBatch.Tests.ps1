# Restart-SaltBatch end to end against the simulated master: the earlier batch is a job directory written by the
# python3-msgpack peer (peers/job_cache_peer.py outcome-batch), a state.apply that halted on failhard with a minion of
# every outcome, and the state the relaunch writes is read back by the same peer.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule
    $script:Me = (& id -un)
    $script:Python = Get-PeerPython
    $script:EarlierJid = '20240611090000000000'
    $script:Minions = 'ok1', 'changed1', 'statefail1', 'render1', 'flagged1', 'slow1', 'slow2', 'run1', 'wait1'

    function New-RestartMaster([string[]] $MasterArgs = @()) {
        $root = Join-Path $TestDrive ("master-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 8))
        $master = Start-SimulatedMaster -Root $root -User $Me -ExtraArgs (@('--accepted-minions', (($Minions + 'web1', 'web2', 'web3') -join ',')) + $MasterArgs)
        $null = & $Python (Join-Path $PSScriptRoot 'peers/job_cache_peer.py') outcome-batch $master.CacheDir $master.Ready.hashType $EarlierJid
        if ($LASTEXITCODE) { throw "job_cache_peer.py failed ($LASTEXITCODE)" }
        $master
    }

    function Read-NewState($Master, [string] $Jid) {
        Read-SaltFile (Get-BatchStatePath -CacheDir $Master.CacheDir -Jid $Jid)
    }

    function Get-Publish($Master) {
        @(Get-MasterJournal $Master -Kind 'publish-received')
    }
}

Describe 'Restart-SaltBatch against a simulated master' {
    BeforeEach {
        $script:Master = New-RestartMaster
    }
    AfterEach {
        Stop-SimulatedMaster $Master
    }

    It 'starts exactly the failed and timed-out minions with the earlier batch''s function, arguments and settings' {
        $new = Get-SaltBatch -ConfigPath $Master.ConfigPath -Jid $EarlierJid | Restart-SaltBatch -ConfigPath $Master.ConfigPath

        @($new).Count | Should -Be 1
        $new.RelaunchOf | Should -Be $EarlierJid
        $new.TargetType | Should -Be 'list'
        $new.Total | Should -Be 5
        $ping = Get-Publish $Master
        $ping.fun | Should -Be @('test.ping')
        $ping[0].tgt | Sort-Object | Should -Be @('flagged1', 'render1', 'slow1', 'slow2', 'statefail1')

        $state = Read-NewState $Master $new.Jid
        $state.all_minions | Sort-Object | Should -Be @('flagged1', 'render1', 'slow1', 'slow2', 'statefail1')
        $state.tgt | Should -Be @('statefail1', 'render1', 'flagged1', 'slow1', 'slow2')
        $state.tgt_type | Should -Be 'list'
        $state.fun | Should -Be 'state.apply'
        $state.arg.Count | Should -Be 2
        $state.arg[0] | Should -Be 'web'
        $state.arg[1].__kwarg__ | Should -BeTrue
        $state.arg[1].pillar.port | Should -Be 8080
        @($state.kwargs.PSObject.Properties).Count | Should -Be 0
        $state.batch_size | Should -Be 2
        $state.batch_wait | Should -Be 1.5
        $state.timeout | Should -Be 30
        $state.failhard | Should -BeTrue
        $state.ret | Should -Be 'syslog'
        $state.user | Should -Be $Me
        $state.saltbatch_relaunch_of | Should -Be $EarlierJid
        (Get-SaltBatch -ConfigPath $Master.ConfigPath -Jid $new.Jid).RelaunchOf | Should -Be $EarlierJid
        (Get-SaltBatch -ConfigPath $Master.ConfigPath -Jid $EarlierJid).RelaunchOf | Should -BeNullOrEmpty
    }

    It 'resumes a halted batch''s not-started and abandoned minions with -Outcome NotStarted, Abandoned' {
        $new = Restart-SaltBatch -ConfigPath $Master.ConfigPath -Jid $EarlierJid -Outcome NotStarted, Abandoned

        (Read-NewState $Master $new.Jid).all_minions | Sort-Object | Should -Be @('run1', 'wait1')
        $new.RelaunchOf | Should -Be $EarlierJid
    }

    It 'takes every override of Start-SaltBatch instead of the earlier batch''s settings' {
        $new = Restart-SaltBatch -ConfigPath $Master.ConfigPath -Jid $EarlierJid -Outcome All -Function test.arg -ArgumentList 'a', 1 -Kwarg @{ fast = $true } -BatchSize 50% -BatchWait 0 -FailHard:$false -Timeout 60 -Return ''

        $state = Read-NewState $Master $new.Jid
        $state.all_minions.Count | Should -Be 9
        $state.fun | Should -Be 'test.arg'
        $state.arg[0], $state.arg[1] | Should -Be @('a', 1)
        $state.arg[2].fast | Should -BeTrue
        @($state.arg[2].PSObject.Properties.Name) | Should -Be @('__kwarg__', 'fast')
        $state.batch_size | Should -Be 4
        $state.batch_wait | Should -Be 0
        $state.failhard | Should -BeFalse
        $state.timeout | Should -Be 60
        $state.ret | Should -Be ''
    }

    It 'makes the minions piped from Get-SaltBatchMinion one batch, whatever their outcome' {
        $picked = Get-SaltBatchMinion -ConfigPath $Master.ConfigPath -Jid $EarlierJid -Minion 'ok1', 'slow*'

        $new = $picked | Restart-SaltBatch -ConfigPath $Master.ConfigPath

        @($new).Count | Should -Be 1
        (Read-NewState $Master $new.Jid).all_minions | Sort-Object | Should -Be @('ok1', 'slow1', 'slow2')
    }

    It 'leaves out and warns about minions that do not answer the ping' {
        Stop-SimulatedMaster $Master
        $script:Master = New-RestartMaster -MasterArgs @('--down-minions', 'slow2')

        $output = Restart-SaltBatch -ConfigPath $Master.ConfigPath -Jid $EarlierJid -PingTimeoutSec 1 3>&1
        $new = $output | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] }

        ($output | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Message | Should -Be 'Minion slow2 did not respond. No job will be sent.'
        (Read-NewState $Master $new.Jid).all_minions | Sort-Object | Should -Be @('flagged1', 'render1', 'slow1', 'statefail1')
    }

    It 'shows with -WhatIf which minions it would start, and sends and writes nothing' {
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -LiteralPath $transcript -Force | Out-Null
        try {
            Restart-SaltBatch -ConfigPath $Master.ConfigPath -Jid $EarlierJid -WhatIf
        }
        finally {
            Stop-Transcript | Out-Null
        }

        $text = Get-Content -Raw -LiteralPath $transcript
        $text | Should -Match 'What if: .*5 minion\(s\) of batch 20240611090000000000: statefail1, render1, flagged1, slow1, slow2'
        $text | Should -Match 'state\.apply, 2 at a time'
        Get-Publish $Master | Should -BeNullOrEmpty
        @(Get-SaltBatch -ConfigPath $Master.ConfigPath).Count | Should -Be 1
    }

    It 'warns and starts nothing when the batch has no minion of the outcomes asked for' {
        $output = Restart-SaltBatch -ConfigPath $Master.ConfigPath -Jid $EarlierJid -Minion 'ok*' -Outcome Failed 3>&1

        $output | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] } | Should -BeNullOrEmpty
        ($output | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Message | Should -Be "Batch $EarlierJid has no Failed minions matching ok*: nothing to restart."
        Get-Publish $Master | Should -BeNullOrEmpty
    }

    It 'is SaltBatchNotFound for a batch that is not there, and still restarts the others' {
        $new = Restart-SaltBatch -ConfigPath $Master.ConfigPath -Jid '20240101000000000000', $EarlierJid, 'not-a-jid' -ErrorVariable failures -ErrorAction SilentlyContinue

        @($new).Count | Should -Be 1
        $new.RelaunchOf | Should -Be $EarlierJid
        $failures.FullyQualifiedErrorId | Sort-Object | Should -Be @('SaltBatchInvalidJid,SaltBatch.RestartSaltBatchCommand', 'SaltBatchNotFound,SaltBatch.RestartSaltBatchCommand')
    }
}

Describe 'Restart-SaltBatch on a batch that is still running' {
    BeforeAll {
        $script:Master = New-RestartMaster
        $script:RunningJid = '20240612100000000000'
        $null = New-SaltTestCache -Path $Master.CacheDir -Spec @{
            hashType = $Master.Ready.hashType
            batches = @(@{ jid = $RunningJid; fun = 'cmd.run'; tgt = 'web*'; minions = @('web1', 'web2', 'web3'); done = 1; failed = 1; active = 1; batchSize = 1 })
        }
    }
    AfterAll {
        Stop-SimulatedMaster $Master
    }

    It 'is SaltBatchStillRunning for -Outcome <Outcome>, which would run minions twice' -ForEach @(
        @{ Outcome = 'NotStarted' }, @{ Outcome = 'All' }
    ) {
        Restart-SaltBatch -ConfigPath $Master.ConfigPath -Jid $RunningJid -Outcome $Outcome -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures.FullyQualifiedErrorId | Should -Be 'SaltBatchStillRunning,SaltBatch.RestartSaltBatchCommand'
        $failures[0].Exception.Message | Should -BeLike "*still running*Stop-SaltBatch -Jid $RunningJid*"
        Get-Publish $Master | Should -BeNullOrEmpty
    }

    It 'restarts its finished failures, and leaves named minions it still drives out with a warning' {
        $output = Restart-SaltBatch -ConfigPath $Master.ConfigPath -Jid $RunningJid -Minion web1, web2, web3 3>&1
        $new = $output | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] }

        ($output | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Message | Should -Be "Batch $RunningJid is still running: web3 are pending or running there and are not restarted."
        (Read-NewState $Master $new.Jid).all_minions | Should -Be @('web1', 'web2')
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule
    $script:Jid = '20240610120000000000'
    $script:OtherJid = '20240610120500000000'
    $script:HaltedJid = '20240610121000000000'

    # A driven master steps every 50 ms; its batches start with nothing dispatched, so dispatch times are fresh.
    function New-WaitScenario([switch] $Driven, [hashtable[]] $Batches) {
        $extra = @(if ($Driven) { '--drive-batches', '--step-ms', '50', '--seed', '3' })
        $master = Start-SimulatedMaster -Root (Join-Path $TestDrive ("master-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 8))) -ExtraArgs $extra
        $null = New-SaltTestCache -Path $master.CacheDir -Spec @{ batches = $Batches; activeIndex = @($Batches | ForEach-Object { $_.jid }) }
        $master
    }

    function Get-PendingBatch([string] $Jid, [string] $Tgt = 'web*') {
        @{ jid = $Jid; fun = 'test.ping'; tgt = $Tgt; total = 10; batchSize = 3 }
    }

    function Get-StillBatch {
        @{ jid = $Jid; fun = 'state.apply'; tgt = 'web*'; minions = @('web1', 'web2', 'web3', 'web4', 'web5'); done = 1; active = 2; batchSize = 2 }
    }

    # Runs Wait-SaltBatch in its own runspace, so the test can act while it waits and read its streams afterwards.
    function Start-WaitInRunspace([string] $Arguments) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$(Get-SaltBatchModulePath)'; Wait-SaltBatch $Arguments")
        [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
    }
}

Describe 'Wait-SaltBatch against a driven simulated master' {
    AfterEach {
        Stop-SimulatedMaster $Master
    }

    It 'returns the final SaltBatchInfo when the batch completes' {
        $script:Master = New-WaitScenario -Driven -Batches (Get-PendingBatch $Jid)

        $info = Wait-SaltBatch -ConfigPath $Master.ConfigPath -Jid $Jid -TimeoutSec 20

        $info | Should -HaveCount 1
        $info | Should -BeOfType SaltBatch.SaltBatchInfo
        $info.State | Should -Be 'Complete'
        $info.Total | Should -Be 10
        ($info.Completed + $info.Failed) | Should -Be $info.Total
        $info.Active + $info.Pending | Should -Be 0
    }

    It 'waits for every batch piped from Get-SaltActiveBatch' {
        $script:Master = New-WaitScenario -Driven -Batches (Get-PendingBatch $Jid), (Get-PendingBatch $OtherJid 'db*')

        $infos = @(Get-SaltActiveBatch -ConfigPath $Master.ConfigPath | Wait-SaltBatch -ConfigPath $Master.ConfigPath -TimeoutSec 20)

        ($infos.Jid | Sort-Object) | Should -Be @($Jid, $OtherJid)
        $infos.State | Should -Be @('Complete', 'Complete')
    }

    It 'records progress per batch: rising percentages, done/total in the status, and one Completed record each' {
        $script:Master = New-WaitScenario -Driven -Batches (Get-PendingBatch $Jid), (Get-PendingBatch $OtherJid 'db*')
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$(Get-SaltBatchModulePath)'; Wait-SaltBatch -ConfigPath '$($Master.ConfigPath)' -Jid $Jid, $OtherJid -TimeoutSec 20")
            $infos = $ps.Invoke()
            $progress = @($ps.Streams.Progress)

            $ps.Streams.Error | Should -BeNullOrEmpty
            $infos.State | Should -Be @('Complete', 'Complete')
            foreach ($jid in $Jid, $OtherJid) {
                $records = @($progress | Where-Object Activity -Like "Salt batch $jid (test.ping on *)")
                $running = @($records | Where-Object RecordType -EQ 'Processing')
                $running.Count | Should -BeGreaterThan 1
                $percents = @($running.PercentComplete)
                $percents | Should -Be @($percents | Sort-Object)
                $percents[-1] | Should -BeGreaterThan $percents[0]
                $running | ForEach-Object { $_.StatusDescription | Should -Match '^\d+/10 done, \d+ active, \d+ failed$' }
                @($records | Where-Object RecordType -EQ 'Completed') | Should -HaveCount 1
                $records[-1].RecordType | Should -Be 'Completed'
                @($records.ActivityId | Sort-Object -Unique) | Should -HaveCount 1
            }
            @($progress.ActivityId | Sort-Object -Unique) | Should -HaveCount 2
            @($progress | Where-Object SecondsRemaining -GT 0) | Should -Not -BeNullOrEmpty
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'falls back to re-reading .batch.p, with a verbose note, when the event bus is unreachable' {
        $script:Master = New-WaitScenario -Driven -Batches (Get-PendingBatch $Jid)
        $config = Join-Path $TestDrive 'no-bus.conf'
        Set-Content -LiteralPath $config -Value @(
            "cachedir: $($Master.CacheDir)"
            "sock_dir: $(Join-Path $TestDrive 'no-such-sock-dir')"
        )

        $output = Wait-SaltBatch -ConfigPath $config -Jid $Jid -TimeoutSec 20 -Verbose 4>&1
        $info = $output | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] }
        $verbose = $output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message

        $info.State | Should -Be 'Complete'
        $verbose | Where-Object { $_ -like 'Cannot listen on *master_event_pub.ipc*re-reading .batch.p every 1s*' } | Should -HaveCount 1
    }
}

Describe 'Wait-SaltBatch against a master that does not drive its batches' {
    AfterEach {
        Stop-SimulatedMaster $Master
    }

    It 'returns the halted state when the batch is stopped while waiting' {
        $script:Master = New-WaitScenario -Batches (Get-StillBatch)
        $wait = Start-WaitInRunspace "-ConfigPath '$($Master.ConfigPath)' -Jid $Jid -TimeoutSec 20"
        try {
            # Stop only once the wait listens, so the halt is seen as an event rather than by chance.
            $null = Wait-MasterJournal $Master -Kind 'subscriber-connected'
            Stop-SaltBatch -ConfigPath $Master.ConfigPath -Jid $Jid -Framing Prefixed

            $info = $wait.PowerShell.EndInvoke($wait.Handle)

            $info | Should -HaveCount 1
            $info[0].State | Should -Be 'Halted'
            $info[0].HaltedReason | Should -Be 'stop'
        }
        finally {
            $wait.PowerShell.Dispose()
        }
    }

    It 'writes SaltBatchWaitTimeout with the last state, and still answers the other JIDs' {
        $script:Master = New-WaitScenario -Batches (Get-StillBatch), @{ jid = $HaltedJid; fun = 'cmd.run'; tgt = 'app*'; total = 2; done = 1; halted = $true; haltedReason = 'failhard' }
        $watch = [Diagnostics.Stopwatch]::StartNew()

        $infos = @(Wait-SaltBatch -ConfigPath $Master.ConfigPath -Jid $Jid, $HaltedJid, '20990101000000000000', 'not-a-jid' -TimeoutSec 1 -ErrorVariable failures -ErrorAction SilentlyContinue)
        $watch.Stop()

        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        $infos.Jid | Should -Be @($HaltedJid)
        $infos[0].State | Should -Be 'Halted'
        @($failures.FullyQualifiedErrorId | ForEach-Object { ($_ -split ',')[0] }) | Should -Be @('SaltBatchNotFound', 'SaltBatchInvalidJid', 'SaltBatchWaitTimeout')
        $timeout = $failures[2]
        $timeout.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $timeout.Exception.Message | Should -BeLike "Batch $Jid (state.apply on web``*) did not finish within 1s: last seen 1/5 done, 2 active, 2 pending, 0 failed*"
        $timeout.TargetObject | Should -BeOfType SaltBatch.SaltBatchInfo
        $timeout.TargetObject.Jid | Should -Be $Jid
        $timeout.TargetObject.State | Should -Be 'Running'
    }

    It 'returns at once for a batch that has already finished' {
        $script:Master = New-WaitScenario -Batches @{ jid = $HaltedJid; fun = 'cmd.run'; tgt = 'app*'; total = 2; done = 2 }
        $watch = [Diagnostics.Stopwatch]::StartNew()

        $info = Wait-SaltBatch -ConfigPath $Master.ConfigPath -Jid $HaltedJid

        $watch.Elapsed.TotalSeconds | Should -BeLessThan 2
        $info.State | Should -Be 'Complete'
        Get-MasterJournal $Master -Kind 'subscriber-connected' | Should -BeNullOrEmpty
    }

    It 'stops promptly when the pipeline is stopped (Ctrl+C) and lets go of the bus' {
        $script:Master = New-WaitScenario -Batches (Get-StillBatch)
        $wait = Start-WaitInRunspace "-ConfigPath '$($Master.ConfigPath)' -Jid $Jid"
        try {
            $null = Wait-MasterJournal $Master -Kind 'subscriber-connected'
            $watch = [Diagnostics.Stopwatch]::StartNew()

            $wait.PowerShell.Stop()

            $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
            $wait.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
            # The subscription is closed: the halted event of a fire-and-forget stop now reaches nobody.
            Stop-SaltBatch -ConfigPath $Master.ConfigPath -Jid $Jid -Framing Prefixed -NoWait
            (Wait-MasterJournal $Master -Kind 'event-published' -Where { $_.tag -eq "salt/batch/$Jid/halted" }).subscribers | Should -Be 0
        }
        finally {
            $wait.PowerShell.Dispose()
        }
    }
}

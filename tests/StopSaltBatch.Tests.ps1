BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule
    $script:RunningJid = '20240610120000000000'
    $script:OtherJid = '20240610120500000000'
    $script:HaltedJid = '20240610121000000000'

    function New-StopScenario([string] $Framing, [string[]] $MasterArgs = @(), [int] $RequestTimeout = 2) {
        $master = Start-SimulatedMaster -Root (Join-Path $TestDrive ("master-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 8))) -Framing $Framing -ExtraArgs $MasterArgs -TimeoutSeconds $RequestTimeout
        $null = New-SaltTestCache -Path $master.CacheDir -Spec @{
            batches     = @(
                @{ jid = $RunningJid; fun = 'state.apply'; tgt = 'web*'; minions = @('web1', 'web2', 'web3', 'web4', 'web5'); done = 1; active = 2; batchSize = 2; created = 1718020800.0; lastProgress = 1718020802.25 }
                @{ jid = $OtherJid; fun = 'test.ping'; tgt = 'db*'; minions = @('db1', 'db2'); done = 0; active = 1; batchSize = 1 }
                @{ jid = $HaltedJid; fun = 'cmd.run'; tgt = 'app*'; minions = @('app1', 'app2'); done = 1; active = 0; batchSize = 1; halted = $true; haltedReason = 'failhard' }
            )
            activeIndex = @($RunningJid, $OtherJid, $HaltedJid)
        }
        $master
    }
}

Describe 'Stop-SaltBatch against a simulated master with <Framing> event framing' -ForEach @(
    @{ Framing = 'prefixed'; Expected = 'Prefixed' }
    @{ Framing = 'bare'; Expected = 'Bare' }
) {
    BeforeEach {
        $script:Master = New-StopScenario -Framing $Framing
    }
    AfterEach {
        Stop-SimulatedMaster $Master
    }

    It 'stops gracefully: the batch is halted with reason stop, retired from the index, and -PassThru shows it' {
        $result = Stop-SaltBatch -ConfigPath $Master.ConfigPath -Jid $RunningJid -PassThru -Verbose 4>&1
        $info = $result | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] }
        $verbose = $result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message

        $info.State | Should -Be 'Halted'
        $info.HaltedReason | Should -Be 'stop'
        (Get-SaltBatch -ConfigPath $Master.ConfigPath -Jid $RunningJid).Halted | Should -BeTrue
        # The BatchManager retires the JID from the index right after announcing the halt (reference §9.2).
        (Wait-MasterJournal $Master -Kind 'stop-handled').action | Should -Be 'halted'
        (Get-SaltActiveBatch -ConfigPath $Master.ConfigPath).Jid | Should -Not -Contain $RunningJid
        $verbose | Where-Object { $_ -like "Fired salt/batch/$RunningJid/stop*($Expected framing)*" } | Should -HaveCount 1
        $received = Get-MasterJournal $Master -Kind 'event-received' | Where-Object tag -EQ "salt/batch/$RunningJid/stop"
        $received.data.jid | Should -Be $RunningJid
        $received.data.reason | Should -Be 'stop'
        $received.data._stamp | Should -Not -BeNullOrEmpty
        Get-MasterJournal $Master -Kind 'publish-received' | Should -BeNullOrEmpty
        # Auto-detection fires a prefixed and a bare probe per round; the master drops the connection of the one it
        # does not read, which is the probes' expected cost. Anything else (envelope, key order, the stop event
        # itself) must be clean.
        Get-MasterJournal $Master -Kind 'protocol-error' |
            Where-Object { $_.detail -notlike 'pull (bare)*was a length-prefixed frame sent to a bare master*' -and $_.detail -notlike 'pull (prefixed)*was a bare frame sent to a prefixed master*' } |
            Should -BeNullOrEmpty
    }

    It 'with -Kill publishes saltutil.kill_job to exactly the active minions, then stops' {
        Stop-SaltBatch -ConfigPath $Master.ConfigPath -Jid $RunningJid -Kill -Force -Framing $Expected

        $publish = @(Get-MasterJournal $Master -Kind 'publish-received')
        $publish.Count | Should -Be 1
        $publish[0].fun | Should -Be 'saltutil.kill_job'
        $publish[0].arg | Should -Be @($RunningJid)
        $publish[0].tgt | Should -Be @('web2', 'web3')
        $publish[0].tgt_type | Should -Be 'list'
        $publish[0].accepted | Should -BeTrue
        $records = Get-MasterJournal $Master
        $killAt = [array]::IndexOf($records, ($records | Where-Object kind -EQ 'publish-received' | Select-Object -First 1))
        $stopAt = [array]::IndexOf($records, ($records | Where-Object { $_.kind -eq 'event-received' -and $_.tag -eq "salt/batch/$RunningJid/stop" } | Select-Object -First 1))
        $killAt | Should -BeLessThan $stopAt
        (Get-SaltBatch -ConfigPath $Master.ConfigPath -Jid $RunningJid).State | Should -Be 'Halted'
        Get-MasterJournal $Master -Kind 'protocol-error' | Should -BeNullOrEmpty
    }

    It 'stops what Get-SaltActiveBatch pipes in, filtered by function' {
        Get-SaltActiveBatch -ConfigPath $Master.ConfigPath | Where-Object Function -EQ 'test.ping' | Stop-SaltBatch -ConfigPath $Master.ConfigPath -Kill -Force -Framing $Expected

        (Get-SaltBatch -ConfigPath $Master.ConfigPath -Jid $OtherJid).State | Should -Be 'Halted'
        (Get-SaltBatch -ConfigPath $Master.ConfigPath -Jid $RunningJid).State | Should -Be 'Running'
        (Get-MasterJournal $Master -Kind 'publish-received').tgt | Should -Be @('db1')
    }

    It 'sends nothing with -WhatIf' {
        Stop-SaltBatch -ConfigPath $Master.ConfigPath -Jid $RunningJid -Kill -WhatIf

        (Get-SaltBatch -ConfigPath $Master.ConfigPath -Jid $RunningJid).State | Should -Be 'Running'
        Get-MasterJournal $Master -Kind 'event-received' | Should -BeNullOrEmpty
        Get-MasterJournal $Master -Kind 'publish-received' | Should -BeNullOrEmpty
    }

    It 'writes SaltBatchNotFound and SaltBatchAlreadyHalted per JID, sends nothing for them, and goes on' {
        Stop-SaltBatch -ConfigPath $Master.ConfigPath -Jid '20990101000000000000', $HaltedJid, $RunningJid -Framing $Expected -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures.Count | Should -Be 2
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltBatchNotFound,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[1].FullyQualifiedErrorId | Should -BeLike 'SaltBatchAlreadyHalted,*'
        (Get-MasterJournal $Master -Kind 'event-received').tag | Should -Be @("salt/batch/$RunningJid/stop")
        (Get-SaltBatch -ConfigPath $Master.ConfigPath -Jid $RunningJid).State | Should -Be 'Halted'
    }
}

Describe 'Stop-SaltBatch framing detection' {
    It 'picks <Expected> against a master that speaks it' -ForEach @(
        @{ Framing = 'prefixed'; Expected = 'Prefixed' }
        @{ Framing = 'bare'; Expected = 'Bare' }
    ) {
        $master = New-StopScenario -Framing $Framing
        try {
            $verbose = Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid -Verbose 4>&1 | ForEach-Object Message

            $verbose | Where-Object { $_ -like "*($Expected framing)*" } | Should -HaveCount 1
            (Get-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid).State | Should -Be 'Halted'
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'picks <Expected> by default on a master that registers subscribers <DelayMs> ms late, and the stop is confirmed' -ForEach @(
        @{ Framing = 'prefixed'; Expected = 'Prefixed'; DelayMs = 500 }
        @{ Framing = 'bare'; Expected = 'Bare'; DelayMs = 500 }
        @{ Framing = 'prefixed'; Expected = 'Prefixed'; DelayMs = 2000 }
        @{ Framing = 'bare'; Expected = 'Bare'; DelayMs = 2000 }
    ) {
        $master = New-StopScenario -Framing $Framing -MasterArgs '--subscribe-delay-ms', "$DelayMs"
        try {
            $result = Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid -PassThru -Verbose 4>&1
            $verbose = $result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message

            $verbose | Where-Object { $_ -like "*($Expected framing)*" } | Should -HaveCount 1
            ($result | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] }).State | Should -Be 'Halted'
            @(Get-MasterJournal $master -Kind 'event-received' | Where-Object tag -Like 'salt/batch/*').tag | Should -Be @("salt/batch/$RunningJid/stop")
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }
}

Describe 'Stop-SaltBatch failure paths' {
    It 'reports SaltMasterUnreachable naming the endpoint when the master is down' {
        $master = New-StopScenario -Framing prefixed
        Stop-SimulatedMaster $master

        Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid -Framing Prefixed -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltMasterUnreachable,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $failures[0].Exception.Message | Should -BeLike "*$($master.SockDir)/master_event_pull.ipc*"
    }

    It 'reports SaltBatchStopNotConfirmed within the timeout when the master never halts' {
        $master = New-StopScenario -Framing prefixed -MasterArgs '--never-halt'
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            # Auto (probed, not forced): the message must not blame a forced framing.
            Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid -TimeoutSec 2 -ErrorVariable failures -ErrorAction SilentlyContinue
            $watch.Stop()

            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltBatchStopNotConfirmed,*'
            $failures[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $failures[0].Exception.Message | Should -BeLike "*Sent salt/batch/$RunningJid/stop*halted=false*"
            $failures[0].Exception.Message | Should -Not -BeLike '*forced*'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 6

            $probes = { @(Get-MasterJournal $master -Kind 'event-received' | Where-Object tag -Like 'saltbatch/probe/*').Count }
            $probedFirst = & $probes
            Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid -TimeoutSec 1 -ErrorAction SilentlyContinue
            $probedFirst | Should -BeGreaterThan 0
            & $probes | Should -BeGreaterThan $probedFirst -Because 'a stop that went unconfirmed forgets the framing it learned (the master may have been restarted on another Salt version), so the next stop probes again'
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'says a forced <Forced> framing was lost on a <Framing> master and suggests Auto' -ForEach @(
        @{ Framing = 'prefixed'; Forced = 'Bare'; Variable = $false; ForcedBy = '-Framing Bare' }
        @{ Framing = 'bare'; Forced = 'Prefixed'; Variable = $true; ForcedBy = "`$env:SALTBATCH_EVENT_FRAMING = 'Prefixed'" }
    ) {
        $master = New-StopScenario -Framing $Framing
        $saved = $env:SALTBATCH_EVENT_FRAMING
        try {
            if ($Variable) {
                $env:SALTBATCH_EVENT_FRAMING = $Forced
                Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid -TimeoutSec 2 -ErrorVariable failures -ErrorAction SilentlyContinue
            }
            else {
                Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid -Framing $Forced -TimeoutSec 2 -ErrorVariable failures -ErrorAction SilentlyContinue
            }

            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltBatchStopNotConfirmed,*'
            $message = $failures[0].Exception.Message
            $message | Should -BeLike "*($Forced framing)*"
            $message | Should -BeLike "*The $Forced framing was forced by $ForcedBy, not probed*"
            $message | Should -BeLike '*recent 3006 and 3007 builds read the 4-byte length prefix too*'
            $message | Should -BeLike '*-Framing Auto*salt/transport/frame.py*'
            # The master really never saw the stop: the batch is still running.
            (Get-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid).State | Should -Be 'Running'
        }
        finally {
            $env:SALTBATCH_EVENT_FRAMING = $saved
            Stop-SimulatedMaster $master
        }
    }

    It 'returns at once with -NoWait, without confirmation' {
        $master = New-StopScenario -Framing prefixed -MasterArgs '--never-halt'
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid -Framing Prefixed -NoWait -ErrorVariable failures
            $watch.Stop()

            $failures | Should -BeNullOrEmpty
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 2
            (Wait-MasterJournal $master -Kind 'event-received').tag | Should -Be @("salt/batch/$RunningJid/stop")
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'reports a refused kill publish as an error record with the master''s reason, and still stops' {
        $master = New-StopScenario -Framing prefixed -MasterArgs '--auth-error'
        try {
            Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid -Kill -Force -Framing Prefixed -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltBatchKillNotPublished,*'
            $failures[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
            $failures[0].TargetObject | Should -Be $RunningJid
            $failures[0].Exception.Message | Should -BeLike "*kill was not published*keeps running on 2 in-flight minion(s) (web2, web3)*rejected the key*salt -L web2,web3 saltutil.kill_job $RunningJid"
            (Get-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid).State | Should -Be 'Halted'
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'reports a kill refused as "bad load" by a master that wants a newer protocol, naming the version' {
        $master = New-StopScenario -Framing prefixed -MasterArgs '--minimum-auth-version', '4'
        try {
            $info = Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid -Kill -Force -Framing Prefixed -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltBatchKillNotPublished,*'
            $failures[0].Exception.Message | Should -BeLike '*"bad load"*sends version 3*minimum_auth_version*'
            $info.State | Should -Be 'Halted'
            @(Get-MasterJournal $master -Kind 'publish-refused').Count | Should -Be 1
            @(Get-MasterJournal $master -Kind 'publish-received').Count | Should -Be 0
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'spends at most the configured timeout on a request server that never replies, reports it, and still stops' {
        $master = New-StopScenario -Framing prefixed -MasterArgs '--silent' -RequestTimeout 1
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $info = Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid -Kill -Force -Framing Prefixed -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue
            $watch.Stop()

            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltBatchKillNotPublished,*'
            $failures[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $info.State | Should -Be 'Halted'
            # timeout: 1, request_channel_tries: 1 — one silent second, then the stop itself (well under the rest).
            $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 6
            @(Get-MasterJournal $master -Kind 'publish-received').Count | Should -Be 1
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'never shows the key in any output stream of a -Verbose -Debug run' {
        $master = New-StopScenario -Framing prefixed -MasterArgs '--auth-error'
        try {
            $everything = & {
                Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $RunningJid, '20990101000000000000' -Kill -Force -Framing Prefixed -PassThru -Verbose -Debug -ErrorAction Continue -WarningAction Continue -InformationAction Continue
            } *>&1 | Out-String -Width 4096

            $everything | Should -Not -BeNullOrEmpty
            $everything | Should -Match 'kill_job'
            $everything | Should -Not -Match ([regex]::Escape($master.KeyText))
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }
}

Describe 'Stop-SaltBatch asks as PowerShell''s own cmdlets do' {
    BeforeAll {
        $script:Master = New-StopScenario -Framing prefixed

        function script:Invoke-StopUnattended([string] $Arguments) {
            # A separate non-interactive pwsh, as a scheduled task runs it: what it printed, its errors, its exit code.
            $module = Get-SaltBatchModulePath
            $command = "Import-Module '$module'; Stop-SaltBatch -ConfigPath '$($Master.ConfigPath)' -Framing Prefixed $Arguments"
            Invoke-CapturedProcess -FilePath 'dotnet' -ArgumentList @('pwsh', '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', $command)
        }
    }
    AfterAll {
        Stop-SimulatedMaster $Master
    }

    It 'describes with -WhatIf the batch it would stop, read first, and says of a halted or unknown one that it is not stopped' {
        $run = Invoke-StopUnattended "-Jid $OtherJid, $HaltedJid, 20990101000000000000 -WhatIf"

        @($run.Output | Where-Object { $_ -like 'What if:*' }) | Should -Be @("What if: Performing the operation `"Stop the batch (no new minions are dispatched)`" on target `"Salt batch $OtherJid (test.ping on db*: 0/2 done, 1 running, 1 pending)`".")
        $run.Error | Should -BeLike "*Batch $HaltedJid is already halted*"
        $run.Error | Should -BeLike '*No batch with JID 20990101000000000000*'
        Get-MasterJournal $Master -Kind 'event-received' | Where-Object tag -Like 'salt/batch/*' | Should -BeNullOrEmpty
    }

    It 'asks before -Kill, which ends running jobs, as a high-impact action: unattended, without -Force, it fails loudly and sends nothing' {
        $run = Invoke-StopUnattended "-Jid $RunningJid -Kill"

        $run.ExitCode | Should -Not -Be 0
        $run.Error | Should -BeLike '*Stop-SaltBatch -Kill asks before it kills running jobs, and this session cannot ask*add -Force*'
        Get-MasterJournal $Master -Kind 'publish-received' | Should -BeNullOrEmpty
        Get-MasterJournal $Master -Kind 'event-received' | Where-Object tag -Like 'salt/batch/*' | Should -BeNullOrEmpty
        (Get-SaltBatch -ConfigPath $Master.ConfigPath -Jid $RunningJid).State | Should -Be 'Running'
    }

    It 'kills unattended with <Given>' -ForEach @(
        @{ Given = '-Force'; Jid = '20240610120000000000' }
        @{ Given = '-Confirm:$false'; Jid = '20240610120500000000' }
    ) {
        $run = Invoke-StopUnattended "-Jid $Jid -Kill $Given"

        $run.ExitCode | Should -Be 0 -Because $run.Error
        (Get-MasterJournal $Master -Kind 'publish-received' | Where-Object fun -EQ 'saltutil.kill_job').arg | Should -Contain $Jid
        (Get-SaltBatch -ConfigPath $Master.ConfigPath -Jid $Jid).State | Should -Be 'Halted'
    }

    It 'has the confirm impact of a change a user can undo for a graceful stop, so scripts are not asked' {
        (Get-Command Stop-SaltBatch).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'Medium'
        (Get-Command Stop-SaltBatch).Parameters.Keys | Should -Contain 'Force'
    }
}

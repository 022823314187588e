# The companion runner from a workstation: Get-SaltBatchMinion -Master and Get-SaltBatch -Master (history) through the
# simulated salt-api, which runs the module's shipped salt/_runners/saltbatch.py with Debian's python3 against
# stand-ins for Salt (peers/runner_standin.py). Results must equal the local cmdlets' on the same cache; a master
# without the runner is SaltApiRunnerNotInstalled, or, for the minions, what jobs.list_job can tell with a warning.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule

    $script:Python = Get-PeerPython
    $script:ShippedRunner = Join-Path (Split-Path (Get-SaltBatchModulePath)) 'salt/_runners/saltbatch.py'
    $script:OutcomeJid = '20240611090000000000'
    $script:RunningJid = '20240610120000000000'
    $script:HaltedJid = '20240610121000000000'
    $script:Password = 'saltbatch-password'

    function New-CompanionMaster([string[]] $ApiArgs = @()) {
        $master = Start-SimulatedMaster -Root (Join-Path $TestDrive ("cr-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 8))) -ExtraArgs (@('--api') + $ApiArgs)
        $null = New-SaltTestCache -Path $master.CacheDir -Spec @{
            batches     = @(
                @{ jid = $RunningJid; fun = 'state.apply'; tgt = 'web*'; minions = @('web1', 'web2', 'web3'); done = 1; active = 1; batchSize = 1; created = 1718020800.0; user = 'alice' }
                @{ jid = $HaltedJid; fun = 'cmd.run'; tgt = 'app*'; minions = @('app1', 'app2'); done = 1; active = 0; batchSize = 1; halted = $true; haltedReason = 'failhard'; created = 1718021400.0 }
            )
            activeIndex = @($RunningJid)
        }
        # The outcome batch as a master leaves it, bytes by python3-msgpack, with the job cache's return.p files.
        $null = & $Python (Join-Path $PSScriptRoot 'peers/job_cache_peer.py') outcome-batch $master.CacheDir sha256 $OutcomeJid
        if ($LASTEXITCODE) { throw "job_cache_peer.py failed ($LASTEXITCODE)" }
        $master
    }

    function Connect-Sim($Master, [string] $Name, [string] $User = 'saltbatch', [string] $Secret = $Password) {
        $credential = [pscredential]::new($User, (ConvertTo-SecureString $Secret -AsPlainText -Force))
        Connect-SaltMaster -Uri $Master.Ready.apiUri -Credential $credential -Name $Name -SkipCertificateCheck
    }

    function Format-Minion($minion) {
        "$($minion.Minion) $($minion.State) $($minion.Outcome) $($minion.Retcode) $($minion.Reason) $($minion.DispatchedAt) $($minion.Success)"
    }

    function Format-Returned($minion) {
        "$($minion.Minion) $($minion.Outputter) $($minion.LateReturn) $($minion.StatesSucceeded) $($minion.StatesChanged) $($minion.StatesFailed) $(@($minion.FailedStates | ForEach-Object Id) -join '+') $(@($minion.StateErrors).Count) $($minion.Return | ConvertTo-Json -Depth 8 -Compress)"
    }

    # What the history shows, but where it came from and when it was read.
    function Format-Batch($info) {
        $info | Select-Object Jid, Function, Target, TargetType, Total, Completed, Active, Pending, Failed, BatchSize, Halted, HaltedReason, Driver, User, Created, State | ConvertTo-Json -Compress
    }
}

Describe 'Through salt-api with the companion runner installed' {
    BeforeAll {
        $script:Sim = New-CompanionMaster -ApiArgs '--api-companion-runner', $ShippedRunner, '--api-companion-opt', 'saltbatch={"return_readers": ["saltbatch"]}'
        $null = Connect-Sim $Sim 'lab'
    }
    AfterAll {
        Get-SaltMasterConnection | Disconnect-SaltMaster
        Stop-SimulatedMaster $Sim
    }

    It 'lists a batch''s minions as Get-SaltBatchMinion does on the master, each with the master''s name' {
        $remote = @(Get-SaltBatchMinion -Jid $OutcomeJid -Master lab)
        $local = @(Get-SaltBatchMinion -Jid $OutcomeJid -CacheDir $Sim.CacheDir)

        $remote.Count | Should -Be 9
        @($remote | ForEach-Object { Format-Minion $_ }) | Should -Be @($local | ForEach-Object { Format-Minion $_ })
        @($remote.Master | Select-Object -Unique) | Should -Be 'lab'
        $remote[0] | Should -BeOfType SaltBatch.SaltBatchMinionInfo
        @(Get-MasterJournal $Sim -Kind 'api-call' | Where-Object { $_.fun -eq 'saltbatch.minions' }).Count | Should -Be 1
    }

    It 'filters by outcome, state and minion name as locally' {
        $remote = Get-SaltBatchMinion -Jid $OutcomeJid -Master lab -Outcome Failed, TimedOut -Minion 's*'
        $local = Get-SaltBatchMinion -Jid $OutcomeJid -CacheDir $Sim.CacheDir -Outcome Failed, TimedOut -Minion 's*'

        $remote.Minion | Should -Be @('statefail1', 'slow1', 'slow2')
        $remote.Minion | Should -Be $local.Minion
        (Get-SaltBatchMinion -Jid $OutcomeJid -Master lab -State Active).Minion | Should -Be 'run1'
    }

    It 'gives returns, outputters, late returns and state summaries equal to the local ones, to a return reader' {
        $remote = @(Get-SaltBatchMinion -Jid $OutcomeJid -Master lab -IncludeReturn)
        $local = @(Get-SaltBatchMinion -Jid $OutcomeJid -CacheDir $Sim.CacheDir -IncludeReturn)

        @($remote | ForEach-Object { Format-Returned $_ }) | Should -Be @($local | ForEach-Object { Format-Returned $_ })
        ($remote | Where-Object Minion -eq 'statefail1').StatesFailed | Should -Be 2
        ($remote | Where-Object Minion -eq 'slow1').LateReturn | Should -BeTrue
    }

    It 'pipes a batch from the history into Get-SaltBatchMinion on the same master' {
        $minions = Get-SaltBatch -Master lab -State Halted -Function 'state.*' | Get-SaltBatchMinion -Outcome TimedOut

        $minions.Minion | Should -Be @('slow1', 'slow2')
        @($minions.Master | Select-Object -Unique) | Should -Be 'lab'
    }

    It 'lists the history newest first, equal to the local history' {
        $remote = @(Get-SaltBatch -Master lab)
        $local = @(Get-SaltBatch -CacheDir $Sim.CacheDir)

        # The halted batch is the newest; the other two were created in the same second, so the JID decides.
        $remote.Jid | Should -Be @($HaltedJid, $OutcomeJid, $RunningJid)
        @($remote | ForEach-Object { Format-Batch $_ }) | Should -Be @($local | ForEach-Object { Format-Batch $_ })
        @($remote.Master | Select-Object -Unique) | Should -Be 'lab'
    }

    It 'filters the history as locally: <Case>' -ForEach @(
        @{ Case = 'state'; Filter = @{ State = 'Running' } }
        @{ Case = 'function'; Filter = @{ Function = 'CMD.*' } }
        @{ Case = 'target and user'; Filter = @{ Target = 'web*'; User = 'ali*' } }
        @{ Case = 'creation window'; Filter = @{ After = [datetime]::SpecifyKind([datetime]'2024-06-10 12:05', 'Utc'); Before = [datetime]::SpecifyKind([datetime]'2024-06-11 12:00', 'Utc') } }
    ) {
        $remote = @(Get-SaltBatch -Master lab @Filter)
        $local = @(Get-SaltBatch -CacheDir $Sim.CacheDir @Filter)

        $remote.Count | Should -BeGreaterThan 0
        $remote.Jid | Should -Be $local.Jid
        $call = @(Get-MasterJournal $Sim -Kind 'api-call' | Where-Object { $_.fun -eq 'saltbatch.history' })[-1]
        @($call.chunk.kwarg.PSObject.Properties.Name) | Should -Not -BeNullOrEmpty
    }

    It 'is one SaltBatchNotFound for a JID the master does not have, and the pipeline goes on' {
        $minions = '20991231235959000000', $OutcomeJid | Get-SaltBatchMinion -Master lab -Outcome NotStarted -ErrorVariable failures -ErrorAction SilentlyContinue

        $minions.Minion | Should -Be 'wait1'
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltBatchNotFound,*'
        $failures[0].Exception.Message | Should -BeLike '*No batch with JID 20991231235959000000*keep_jobs_seconds*'
    }
}

Describe 'Through salt-api, who may read what' {
    BeforeAll {
        $script:Sim = New-CompanionMaster -ApiArgs '--api-companion-runner', $ShippedRunner
    }
    AfterAll {
        Get-SaltMasterConnection | Disconnect-SaltMaster
        Stop-SimulatedMaster $Sim
    }

    It 'refuses returns to a user who neither started the batch nor is a return reader, naming the option, and loses nothing else' {
        $null = Connect-Sim $Sim 'plain'

        $minions = Get-SaltBatchMinion -Jid $OutcomeJid -Master plain -IncludeReturn -ErrorVariable failures -ErrorAction SilentlyContinue

        $minions | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltApiAccessDenied,*'
        $failures[0].Exception.Message | Should -BeLike "*saltbatch may not read the returns of batch $OutcomeJid (started by root)*return_readers*"
        @(Get-SaltBatchMinion -Jid $OutcomeJid -Master plain).Count | Should -Be 9
    }

    It 'is SaltApiAccessDenied for a user without the saltbatch rule, naming the rule to add' {
        $null = Connect-Sim $Sim 'batchonly' -User batchonly -Secret 'batchonly-password'

        { Get-SaltBatch -Master batchonly -ErrorAction Stop } |
            Should -Throw -ErrorId 'SaltApiAccessDenied,SaltBatch.GetSaltBatchCommand' -ExpectedMessage "*user 'batchonly'*companion runner*saltbatch\..*"
    }
}

Describe 'Through salt-api without the companion runner' {
    BeforeAll {
        $script:Sim = New-CompanionMaster
        $null = Connect-Sim $Sim 'bare'
    }
    AfterAll {
        Get-SaltMasterConnection | Disconnect-SaltMaster
        Stop-SimulatedMaster $Sim
    }

    It 'is SaltApiRunnerNotInstalled for the history, saying how to install it and which rule to add' {
        { Get-SaltBatch -Master bare -ErrorAction Stop } |
            Should -Throw -ErrorId 'SaltApiRunnerNotInstalled,SaltBatch.GetSaltBatchCommand' -ExpectedMessage "*companion runner is not installed*Install-SaltBatchRunner*runner_dirs*external_auth rule {'@runner': ``['saltbatch\..*'``]}*"
    }

    It 'falls back to jobs.list_job for the minions: those that returned, with a warning that says what it cannot tell' {
        $minions = @(Get-SaltBatchMinion -Jid $OutcomeJid -Master bare -WarningVariable warnings -WarningAction SilentlyContinue)

        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike "*companion runner is not installed on 'bare'*of batch $OutcomeJid's 9 minions that returned*pending, active or timed out*cannot be told apart*"
        # jobs.list_job knows the minions with a return.p: the four done, the failed: true one, the late one.
        @($minions.Minion | Sort-Object) | Should -Be @('changed1', 'flagged1', 'ok1', 'render1', 'slow1', 'statefail1')
        @($minions.State | Select-Object -Unique) | Should -Be 'Done'
        ($minions | Where-Object Minion -eq 'statefail1').Retcode | Should -Be 2
        ($minions | Where-Object Minion -eq 'flagged1').Outcome | Should -Be 'Failed'
        ($minions | Where-Object Minion -eq 'ok1').Outcome | Should -Be 'Succeeded'
    }

    It 'is still SaltBatchNotFound for a JID that is no batch, before asking jobs.list_job' {
        $before = @(Get-MasterJournal $Sim -Kind 'api-call' | Where-Object { $_.fun -eq 'jobs.list_job' }).Count

        { Get-SaltBatchMinion -Jid '20991231235959000000' -Master bare -ErrorAction Stop } | Should -Throw -ErrorId 'SaltBatchNotFound,SaltBatch.GetSaltBatchMinionCommand'
        @(Get-MasterJournal $Sim -Kind 'api-call' | Where-Object { $_.fun -eq 'jobs.list_job' }).Count | Should -Be $before
    }
}

Describe 'Start-SaltBatch -Master through the simulated salt-api and the shipped companion runner' {
    BeforeAll {
        # A master that drives its batches, with web3 accepted but down and web2 failing every job; the default user
        # may start test.* anywhere and state.apply on web*, noping everything but test.ping.
        $script:Sim = Start-SimulatedMaster -Root (Join-Path $TestDrive 'start-master') -ExtraArgs @(
            '--accepted-minions', 'web1,web2,web3,db1', '--down-minions', 'web3', '--failing-minions', 'web2',
            '--drive-batches', '--step-ms', '100', '--instant-returns', '--api', '--api-companion-runner', $ShippedRunner)
        $null = Connect-Sim $Sim 'sim-start'
        $null = Connect-Sim $Sim 'sim-noping' -User noping -Secret 'noping-password'

        function script:Get-JobCacheFiles {
            @(Get-ChildItem -LiteralPath $Sim.CacheDir -Recurse -Force -File -ErrorAction SilentlyContinue | ForEach-Object FullName | Sort-Object)
        }
    }

    AfterAll {
        Disconnect-SaltMaster -Master sim-start, sim-noping -ErrorAction SilentlyContinue
        Stop-SimulatedMaster $Sim
    }

    It 'starts, waits for, lists, relaunches and finds in the history a batch from a workstation, as the local cmdlets show that cache' {
        $batch = Start-SaltBatch -Master sim-start -Target 'web*' -Function test.echo -ArgumentList 'hi' -BatchSize 1 -WarningVariable warned -WarningAction SilentlyContinue

        $batch.Master | Should -Be 'sim-start'
        $batch.User | Should -Be 'saltbatch'
        $batch.Total | Should -Be 2
        @($warned.Message) | Should -Be @('Minion web3 did not respond. No job will be sent.')
        $state = Read-SaltFile (Get-BatchStatePath -CacheDir $Sim.CacheDir -Jid $batch.Jid)
        $state.driver | Should -Be 'master'
        $state.all_minions | Should -Be @('web1', 'web2')
        (Get-MasterJournal $Sim -Kind 'event-received' | Where-Object tag -EQ "salt/batch/$($batch.Jid)/new") | Should -HaveCount 1

        ($batch | Wait-SaltBatch -TimeoutSec 60).State | Should -Be 'Complete'
        $format = { "$($_.Minion) $($_.State) $($_.Outcome) $($_.Retcode)" }
        @(Get-SaltBatchMinion -Master sim-start -Jid $batch.Jid | ForEach-Object $format) |
            Should -Be @(Get-SaltBatchMinion -ConfigPath $Sim.ConfigPath -Jid $batch.Jid | ForEach-Object $format)
        @(Get-SaltBatchMinion -Master sim-start -Jid $batch.Jid | Sort-Object Minion).Outcome | Should -Be @('Succeeded', 'Failed')

        # The relaunch, from the batch piped on: only the minion that failed, with the same function and arguments.
        $again = $batch | Restart-SaltBatch -WarningAction SilentlyContinue
        $again.Master | Should -Be 'sim-start'
        $again.RelaunchOf | Should -Be $batch.Jid
        $again.Total | Should -Be 1
        $relaunched = Read-SaltFile (Get-BatchStatePath -CacheDir $Sim.CacheDir -Jid $again.Jid)
        $relaunched.tgt | Should -Be @('web2')
        $relaunched.arg | Should -Be @('hi')
        $relaunched.saltbatch_relaunch_of | Should -Be $batch.Jid
        ($again | Wait-SaltBatch -TimeoutSec 60).State | Should -Be 'Complete'
        @(Get-SaltBatchMinion -Master sim-start -Jid $again.Jid | ForEach-Object $format) |
            Should -Be @(Get-SaltBatchMinion -ConfigPath $Sim.ConfigPath -Jid $again.Jid | ForEach-Object $format)

        @(Get-SaltBatch -Master sim-start).Jid | Should -Be @(Get-SaltBatch -ConfigPath $Sim.ConfigPath).Jid
        @(Get-SaltBatch -Master sim-start).Jid | Should -Contain $again.Jid
        @(Get-SaltBatch -Master sim-start | Where-Object Jid -EQ $again.Jid).RelaunchOf | Should -Be $batch.Jid
    }

    It 'relaunches a batch asked of two masters from the one that has it: "not found" only when no master has the JID' {
        $other = Start-SimulatedMaster -Root (Join-Path $TestDrive 'other-master') -ExtraArgs @('--api', '--api-companion-runner', $ShippedRunner)
        try {
            $null = Connect-Sim $other 'sim-other'
            $batch = Start-SaltBatch -Master sim-start -Target 'web*' -Function test.echo -ArgumentList 'again' -BatchSize 1 -WarningAction SilentlyContinue
            $null = $batch | Wait-SaltBatch -TimeoutSec 60

            $again = Restart-SaltBatch -Jid $batch.Jid -Master sim-other, sim-start -ErrorVariable problems -WarningAction SilentlyContinue
            Restart-SaltBatch -Jid 20990101000000000000 -Master sim-other, sim-start -ErrorVariable missing -ErrorAction SilentlyContinue

            $problems | Should -BeNullOrEmpty
            $again.Master | Should -Be 'sim-start'
            $again.RelaunchOf | Should -Be $batch.Jid
            $missing.FullyQualifiedErrorId | Should -Be @('SaltBatchNotFound,SaltBatch.RestartSaltBatchCommand', 'SaltBatchNotFound,SaltBatch.RestartSaltBatchCommand')
        }
        finally {
            Disconnect-SaltMaster -Master sim-other -ErrorAction SilentlyContinue
            Stop-SimulatedMaster $other
        }
    }

    It 'refuses, writing nothing, a start <Case>, naming the rule' -ForEach @(
        @{ Case = 'of a function the user may not run'; Connection = 'sim-start'; Target = 'web*'; Function = 'cmd.run'; Expected = "*saltbatch's external_auth rules*do not allow cmd.run*" }
        @{ Case = 'on a target the user may not touch'; Connection = 'sim-start'; Target = '*'; Function = 'state.apply'; Expected = "*do not allow state.apply*glob target '``*'*" }
        @{ Case = 'by a user who may not ping'; Connection = 'sim-noping'; Target = 'web*'; Function = 'state.apply'; Expected = "*noping's external_auth rules*do not allow test.ping*" }
    ) {
        $before = Get-JobCacheFiles
        { Start-SaltBatch -Master $Connection -Target $Target -Function $Function -BatchSize 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'SaltApiAccessDenied,SaltBatch.StartSaltBatchCommand' -ExpectedMessage $Expected
        Get-JobCacheFiles | Should -Be $before
    }
}

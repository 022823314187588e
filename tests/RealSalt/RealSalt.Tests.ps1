# The cmdlets against GENUINE Salt daemons (../shared/real-salt/): an upstream salt-master with its BatchManager,
# genuine minions (one more, node9, accepted but down) and genuine salt-api, once per transport. What a Salt admin tries
# first on their own master. Skipped, with the reason, where no Salt source tree is found ($SALT_SOURCE, else
# /opt/salt-src).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'RealSalt.psm1') -Force
    $script:RealSalt = Find-RealSalt
}

Describe 'On a genuine Salt master (<Transport> transport)' -Tag 'RealSalt' -ForEach @(
    # Each installs the companion runner one of the two ways the README tells an admin.
    @{ Transport = 'zeromq'; RunnerPlace = 'FileRoots' }
    @{ Transport = 'tcp'; RunnerPlace = 'RunnerDirs' }
) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
        Import-Module (Join-Path $PSScriptRoot 'RealSalt.psm1') -Force
        $script:Found = Find-RealSalt
        $script:Salt = $null
        if (-not $Found.Available) { return }

        Import-SaltBatchModule | Out-Null
        # runner_dirs, empty until Install-SaltBatchRunner puts the companion runner there (RunnerPlace RunnerDirs).
        $script:RunnerDir = Join-Path ([System.IO.Path]::GetTempPath()) ('sbrd.' + [guid]::NewGuid().ToString('n').Substring(0, 8))
        $masterOptions = @('gather_job_timeout: 2', 'saltbatch: {return_readers: [alice]}')
        if ($RunnerPlace -eq 'RunnerDirs') { $masterOptions += "runner_dirs: ['$RunnerDir']" }
        # gather_job_timeout 2: a master-driven batch marks a minion failed after timeout + gather_job_timeout, so a
        # short -Timeout gives a timed-out minion in seconds.
        $script:Salt = Start-RealSalt $Found -Transport $Transport -Minions 3 -Down node9 -Api -MasterOption $masterOptions
        # In the master's file_roots: an SLS with a state that fails, so a state.apply returns retcode 2 from done minions.
        $null = New-Item -ItemType Directory -Force -Path (Join-Path $Salt.Directory 'srv/salt')
        Set-Content -LiteralPath (Join-Path $Salt.Directory 'srv/salt/rollout.sls') -Value @(
            'configured:', '  test.succeed_with_changes: []',
            'broken:', '  test.fail_without_changes:', '    - comment: the rollout check failed')
        # The companion runner, installed as the README tells the master's admin.
        $script:RunnerInstall = Install-SaltBatchRunner -ConfigPath $Salt.config -Destination $RunnerPlace -Confirm:$false
        $script:RunnerSync = if ($RunnerPlace -eq 'FileRoots') { Invoke-RealSaltCli $Salt salt-run saltutil.sync_runners --out=json }
        $script:PreviousConfig = $env:SALT_MASTER_CONFIG
        # As an admin on the master host would have it: every cmdlet finds this master without -ConfigPath.
        $env:SALT_MASTER_CONFIG = $Salt.config
        $script:Up = @('node1', 'node2', 'node3')
        $script:Started = [System.Collections.Generic.List[string]]::new()

        function script:Start-UpBatch {
            # The three running minions only, so the ping ends as soon as they answered (node9 would hold it to the timeout).
            param([string] $Function = 'test.sleep', [object[]] $ArgumentList = @(30), [string] $BatchSize = '1', [int] $Timeout = 300)
            $batch = Start-SaltBatch -Target 'node[1-3]' -Function $Function -ArgumentList $ArgumentList -BatchSize $BatchSize -Timeout $Timeout -PingTimeoutSec 10 -ErrorAction Stop
            $Started.Add($batch.Jid)
            $batch
        }

        function script:Start-CliBatch([string] $BatchSize, [int] $Seconds) {
            # The genuine CLI's async batch; -t 120 keeps the BatchManager from timing the minions out meanwhile.
            $cli = Invoke-RealSaltCli $Salt salt -b $BatchSize --async -t 120 'node[1-3]' test.sleep $Seconds
            $jid = [regex]::Match(($cli -join "`n"), 'job ID: (\d{20})').Groups[1].Value
            if ($jid -notmatch '^\d{20}$') { throw "The genuine salt CLI named no batch JID: $cli" }
            $Started.Add($jid)
            $jid
        }

        function script:Wait-Dispatched([string] $Jid, [int] $Count) {
            # Dispatched by the BatchManager and running on the minions, as saltutil.running sees it.
            Wait-RealSalt -Because "batch $Jid to have $Count minion(s) running its job" -Condition {
                $active = @((Get-SaltBatch -Jid $Jid).ActiveMinions)
                if ($active.Count -lt $Count) { return $false }
                $running = Get-RealSaltRunning $Salt -Minion $active
                @($active | Where-Object { $running[$_] -contains $Jid }).Count -eq $active.Count
            }
            @((Get-SaltBatch -Jid $Jid).ActiveMinions)
        }

        function script:Stop-StrayJob([string] $Jid, [string[]] $Minion) {
            # What a test left running on a minion, killed so that the next test starts on idle minions.
            if ($Minion) { $null = Invoke-RealSaltCli $Salt salt -L ($Minion -join ',') saltutil.kill_job $Jid -t 10 -AllowFailure }
        }
    }

    AfterAll {
        if ($Found.Available) {
            $env:SALT_MASTER_CONFIG = $PreviousConfig
            Get-SaltMasterConnection -ErrorAction SilentlyContinue | Disconnect-SaltMaster -ErrorAction SilentlyContinue
            Remove-Item -LiteralPath $RunnerDir -Recurse -Force -ErrorAction SilentlyContinue
        }
        Stop-RealSalt $Salt
    }

    BeforeEach {
        if (-not $Found.Available) { Set-ItResult -Skipped -Because $Found.Reason }
    }

    Context 'on the master host' {
        It 'starts a batch the genuine BatchManager drives to completion, warning once about the minion that is down' {
            $output = Start-SaltBatch -Target 'node*' -Function test.sleep -ArgumentList 1 -BatchSize 2 -PingTimeoutSec 5 -WarningVariable warnings -WarningAction SilentlyContinue -Verbose 4>&1
            $batch = $output | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] }
            $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            $Started.Add($batch.Jid)

            @($warnings.Message) | Should -Be @('Minion node9 did not respond. No job will be sent.')
            # The framing was probed (Auto), and the genuine BatchManager listed the batch in its index itself.
            $verbose | Should -Contain "The BatchManager adopted $($batch.Jid) and listed it in $(Join-Path $Salt.Directory 'var/cache/salt/master/batch_active.p')."
            @($verbose | Where-Object { $_ -like "Fired salt/batch/$($batch.Jid)/new on * (Prefixed framing)." }).Count | Should -Be 1
            $batch.Total | Should -Be 3
            $batch.Driver | Should -Be 'master'

            $final = $batch | Wait-SaltBatch -TimeoutSec 120
            $final.State | Should -Be 'Complete'
            $final.Completed | Should -Be 3
            $final.Failed | Should -Be 0

            # The genuine runner reads the batch we wrote and the master drove, and agrees.
            $status = (Invoke-RealSaltCli $Salt salt-run batch.status $batch.Jid --out=json) -join "`n" | ConvertFrom-Json
            $status.completed | Should -Be 3
            $status.total | Should -Be 3
            $status.fun | Should -Be 'test.sleep'
            $script:CompletedJid = $batch.Jid
        }

        It 'lists per minion exactly what Salt''s own batch_state reader finds in .batch.p: done, failed by timeout, active, pending' {
            $Started | Should -Contain $CompletedJid
            # -Timeout 5 with gather_job_timeout 2: the first minion is marked failed (timeout) after 7 s or more, then
            # the next is dispatched, 7 s from its own timeout; stopping in that window leaves one of each kind.
            $mixed = Start-UpBatch -ArgumentList 60 -Timeout 5
            Wait-RealSalt -Because "batch $($mixed.Jid) to time out one minion and dispatch the next" -TimeoutSec 60 -Condition {
                $now = Get-SaltBatch -Jid $mixed.Jid
                $now.Failed -ge 1 -and $now.Active -ge 1
            }
            $null = Stop-SaltBatch -Jid $mixed.Jid
            $stillRunning = @((Get-SaltBatch -Jid $mixed.Jid).ActiveMinions)

            try {
                foreach ($jid in $CompletedJid, $mixed.Jid) {
                    $genuine = Read-RealBatchState $Salt -Jid $jid
                    $ours = @(Get-SaltBatchMinion -Jid $jid)

                    $ours.Count | Should -Be $genuine.minions.Count
                    foreach ($minion in $ours) {
                        $expected = $genuine.minions[$minion.Minion]
                        $minion.State | Should -Be $expected.state -Because "$($minion.Minion) of $jid"
                        $minion.Retcode | Should -Be $expected.retcode -Because "$($minion.Minion) of $jid"
                        $minion.Reason | Should -Be $expected.reason -Because "$($minion.Minion) of $jid"
                        if ($null -eq $expected.dispatched) {
                            $minion.DispatchedAt | Should -BeNullOrEmpty
                        }
                        else {
                            # Salt stores a float of seconds; a millisecond covers the two sides' rounding.
                            [math]::Abs(([DateTimeOffset]$minion.DispatchedAt).ToUnixTimeMilliseconds() - $expected.dispatched * 1000) |
                                Should -BeLessOrEqual 1 -Because "$($minion.Minion) of $jid was dispatched at $($expected.dispatched)"
                        }
                    }

                    $summary = Get-SaltBatch -Jid $jid
                    $summary.Total, $summary.Completed, $summary.Active, $summary.Pending, $summary.Failed |
                        Should -Be @($genuine.summary.total, $genuine.summary.completed, $genuine.summary.active, $genuine.summary.pending, $genuine.summary.failed)
                    $summary.Halted | Should -Be $genuine.summary.halted
                }
                @(Get-SaltBatchMinion -Jid $mixed.Jid).State | Sort-Object -Unique | Should -Be @('Active', 'Failed', 'Pending')
            }
            finally {
                Stop-StrayJob $mixed.Jid $stillRunning
            }
        }

        It 'gives each minion of a cmd.run with per-minion exit codes its outcome, and Restart-SaltBatch reruns exactly the unsuccessful one' {
            # The exit code is rendered on each minion from its own id: node2 exits 3, the others 0.
            $batch = Start-SaltBatch -Target 'node[1-3]' -Function cmd.run -ArgumentList 'exit {{ 3 if grains.id == "node2" else 0 }}' -Kwarg @{ template = 'jinja' } -BatchSize 3 -Timeout 60 -PingTimeoutSec 10 -ErrorAction Stop
            $Started.Add($batch.Jid)
            $final = $batch | Wait-SaltBatch -TimeoutSec 120

            $final.State | Should -Be 'Complete'
            $final.Completed, $final.Succeeded, $final.Unsuccessful | Should -Be @(3, 2, 1)
            $genuine = Read-RealBatchState $Salt -Jid $batch.Jid
            $genuine.minions['node2'].retcode | Should -Be 3
            (Get-SaltBatchMinion -Jid $batch.Jid | Sort-Object Minion | ForEach-Object { "$($_.Minion)=$($_.Outcome)" }) |
                Should -Be @('node1=Succeeded', 'node2=Failed', 'node3=Succeeded')

            $again = $final | Restart-SaltBatch -PingTimeoutSec 10 -ErrorAction Stop
            $Started.Add($again.Jid)
            $again.RelaunchOf | Should -Be $batch.Jid
            $rerun = $again | Wait-SaltBatch -TimeoutSec 120

            $rerun.State | Should -Be 'Complete'
            $rerun.Total, $rerun.Unsuccessful | Should -Be @(1, 1)
            # What the genuine BatchManager published from and wrote back: the original call on node2, and our key kept.
            $relaunched = Read-RealBatchState $Salt -Jid $again.Jid
            @($relaunched.minions.Keys) | Should -Be @('node2')
            $relaunched.minions['node2'].retcode | Should -Be 3
            $relaunched.launch.fun | Should -Be 'cmd.run'
            $relaunched.launch.arg[0] | Should -Be 'exit {{ 3 if grains.id == "node2" else 0 }}'
            $relaunched.launch.arg[1].template | Should -Be 'jinja'
            $relaunched.launch.timeout | Should -Be 60
            $relaunched.launch.saltbatch_relaunch_of | Should -Be $batch.Jid
            $relaunched.summary.completed | Should -Be 1
        }

        It 'counts the minions of a state.apply whose SLS has a failing state as Failed, though Salt files them under done' {
            $batch = Start-SaltBatch -Target 'node[1-3]' -Function state.apply -ArgumentList 'rollout' -BatchSize 2 -Timeout 120 -PingTimeoutSec 10 -ErrorAction Stop
            $Started.Add($batch.Jid)
            $final = $batch | Wait-SaltBatch -TimeoutSec 180

            $final.Completed, $final.Failed, $final.Succeeded, $final.Unsuccessful | Should -Be @(3, 0, 0, 3)
            $genuine = Read-RealBatchState $Salt -Jid $batch.Jid
            foreach ($minion in Get-SaltBatchMinion -Jid $batch.Jid) {
                $minion.State | Should -Be 'Done'
                $minion.Retcode | Should -Be $genuine.minions[$minion.Minion].retcode
                $minion.Retcode | Should -Be 2
                $minion.Outcome | Should -Be 'Failed'
            }
            (Get-SaltBatchMinion -Jid $batch.Jid -Outcome Failed).Count | Should -Be 3

            # The state summaries of the genuine minions' returns: 'configured' succeeded with changes, 'broken' failed.
            foreach ($minion in Get-SaltBatchMinion -Jid $batch.Jid -Outcome Failed -IncludeReturn) {
                $minion.StatesSucceeded, $minion.StatesChanged, $minion.StatesFailed | Should -Be @(1, 1, 1)
                $minion.FailedStates.Count | Should -Be 1
                $minion.FailedStates[0].Minion | Should -Be $minion.Minion
                $minion.FailedStates[0].Id | Should -Be 'broken'
                $minion.FailedStates[0].Function | Should -Be 'test.fail_without_changes'
                $minion.FailedStates[0].Name | Should -Be 'broken'
                $minion.FailedStates[0].Comment | Should -Be 'the rollout check failed'
                $minion.FailedStates[0].DurationMs | Should -BeGreaterOrEqual 0
                $minion.Return.Keys | Should -Contain 'test_|-broken_|-broken_|-fail_without_changes'
            }
            # Restart-SaltBatch's default (Failed, TimedOut) picks exactly those three, as -WhatIf says.
            $transcript = Join-Path $TestDrive 'restart-whatif.txt'
            Start-Transcript -LiteralPath $transcript -Force | Out-Null
            try { $final | Restart-SaltBatch -WhatIf } finally { Stop-Transcript | Out-Null }
            Get-Content -Raw -LiteralPath $transcript | Should -Match "What if: .*3 minion\(s\) of batch $($batch.Jid): node"
        }

        It 'has the companion runner Install-SaltBatchRunner installed (runner_dirs, or file_roots and saltutil.sync_runners) loaded by the genuine master, as Get-SaltMasterConfig says' {
            $RunnerInstall.Changed | Should -BeTrue
            $RunnerInstall.Place | Should -Be $RunnerPlace
            $config = Get-SaltMasterConfig
            if ($RunnerPlace -eq 'FileRoots') {
                $RunnerInstall.Path | Should -Be (Join-Path $Salt.Directory 'srv/salt/_runners/saltbatch.py')
                ($RunnerSync -join "`n" | ConvertFrom-Json) | Should -Contain 'runners.saltbatch'
                $config.CompanionRunnerPath | Should -Be (Join-Path $config.ExtensionModules 'runners/saltbatch.py')
                $config.CompanionRunnerStaged | Should -Be @($RunnerInstall.Path)
            }
            else {
                $RunnerInstall.Path | Should -Be (Join-Path $RunnerDir 'saltbatch.py')
                $config.CompanionRunnerPath | Should -Be $RunnerInstall.Path
            }
            $config.CompanionRunnerVersion | Should -Be '0.1.0'
            (Invoke-RealSaltCli $Salt salt-run saltbatch.version --out=json | ConvertFrom-Json) | Should -Be $config.CompanionRunnerVersion
        }

        It 'lists through the companion runner (genuine salt-run) the same minions, outcomes and retcodes as Get-SaltBatchMinion' {
            $settled = @($Started | Where-Object { (Get-SaltBatch -Jid $_).State -ne 'Running' })
            $settled.Count | Should -BeGreaterOrEqual 3
            $listed = 0
            foreach ($jid in $settled) {
                $local = @(Get-SaltBatchMinion -Jid $jid | ForEach-Object { "$($_.Minion) $($_.State.ToLowerInvariant()) $($_.Outcome) $($_.Retcode) $($_.Reason)" })
                # As hashtables: each row has only the keys its state has (no retcode for a pending minion).
                $runner = @((Invoke-RealSaltCli $Salt salt-run saltbatch.minions $jid --out=json) -join "`n" | ConvertFrom-Json -AsHashtable |
                    ForEach-Object { "$($_['minion']) $($_['state']) $($_['outcome']) $($_['retcode']) $($_['reason'])" })
                $runner | Should -Be $local -Because "batch $jid"
                $unsuccessful = @(Get-SaltBatchMinion -Jid $jid -Outcome Failed, TimedOut | ForEach-Object Minion)
                $filtered = (Invoke-RealSaltCli $Salt salt-run saltbatch.minions $jid 'outcome=Failed,TimedOut' --out=json) -join "`n"
                @(ConvertFrom-Json $filtered -AsHashtable -NoEnumerate | ForEach-Object { $_ } | ForEach-Object { $_['minion'] }) | Should -Be $unsuccessful -Because "batch $jid, -Outcome Failed, TimedOut"
                $listed += $unsuccessful.Count
            }
            $listed | Should -BeGreaterThan 0
            Invoke-RealSaltCli $Salt salt-run saltbatch.minions not-a-jid -AllowFailure | Out-String | Should -Match "'not-a-jid' is not a JID"
        }

        It 'stops gracefully a batch the genuine salt -b --async CLI started: halted, nothing new dispatched, the in-flight job keeps running' {
            $jid = Start-CliBatch -BatchSize 1 -Seconds 60
            $inFlight = @(Wait-Dispatched $jid 1)

            try {
                $stopped = Stop-SaltBatch -Jid $jid -PassThru

                $stopped.State | Should -Be 'Halted'
                $stopped.HaltedReason | Should -Be 'stop'
                $stopped.Pending | Should -Be 2
                (Invoke-RealSaltCli $Salt salt-run batch.status $jid --out=json | ConvertFrom-Json).halted | Should -BeTrue
                $running = Get-RealSaltRunning $Salt -Minion $Up
                $running[$inFlight[0]] | Should -Contain $jid -Because 'a graceful stop leaves the in-flight job running'
                @($Up | Where-Object { $_ -ne $inFlight[0] -and $running[$_] -contains $jid }) | Should -BeNullOrEmpty
            }
            finally {
                Stop-StrayJob $jid $inFlight
            }
        }

        It 'kills with -Kill the in-flight jobs of a batch the genuine CLI started: the minions'' saltutil.running is empty afterwards' {
            $jid = Start-CliBatch -BatchSize 2 -Seconds 90
            $inFlight = @(Wait-Dispatched $jid 2)

            try {
                $stopped = Stop-SaltBatch -Jid $jid -Kill -Force -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue

                $failures | Should -BeNullOrEmpty
                $stopped.State | Should -Be 'Halted'
                Wait-RealSalt -Because "saltutil.running on $($inFlight -join ', ') to show no job of batch $jid" -TimeoutSec 30 -Condition {
                    $running = Get-RealSaltRunning $Salt -Minion $inFlight
                    $running.Count -eq $inFlight.Count -and -not @($inFlight | Where-Object { $running[$_] -contains $jid })
                }
            }
            finally {
                Stop-StrayJob $jid $inFlight
            }
        }

        It 'finds every batch of this master in the history, newest first, and filters it by state' {
            $history = @(Get-SaltBatch)
            $jids = @($history.Jid)

            foreach ($jid in $Started) { $jids | Should -Contain $jid }
            $created = @($history.Created)
            for ($i = 1; $i -lt $created.Count; $i++) { $created[$i] | Should -BeLessOrEqual $created[$i - 1] }
            @(Get-SaltBatch -State Complete).Jid | Should -Contain $CompletedJid
            @(Get-SaltBatch -State Complete).Jid | Should -Not -Contain $Started[-1]
            @(Get-SaltBatch -State Halted).Jid | Should -Contain $Started[-1]
        }

        It 'tab-completes the JIDs of this master''s batches' {
            $line = "Get-SaltBatch -Jid $($CompletedJid.Substring(0, 8))"
            $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length

            @($completion.CompletionMatches.CompletionText) | Should -Contain $CompletedJid
        }
    }

    Context 'through the genuine salt-api (rest_cherrypy, file eauth)' {
        BeforeAll {
            if (-not $Found.Available) { return }
            $script:Alice = [pscredential]::new('alice', (ConvertTo-SecureString 'S3cret-Pw!' -AsPlainText -Force))
        }

        It 'connects over TLS and plain HTTP with file eauth, and lists and reads batches as the local cmdlets do' {
            $tls = Connect-SaltMaster -Uri $Salt.api_tls -Credential $Alice -EAuth file -Name "real-$Transport" -SkipCertificateCheck
            $http = Connect-SaltMaster -Uri $Salt.api -Credential $Alice -EAuth file -Name "real-$Transport-http" -WarningAction SilentlyContinue
            $running = Start-UpBatch -ArgumentList 30

            try {
                $tls.Connected | Should -BeTrue
                $http.Connected | Should -BeTrue
                @($tls.Perms) | Should -Contain '@runner'

                foreach ($connection in $tls, $http) {
                    $remote = @(Get-SaltActiveBatch -Master $connection)
                    $remote.Jid | Should -Contain $running.Jid
                    ($remote | Where-Object Jid -eq $running.Jid).Master | Should -Be $connection.Name

                    $status = Get-SaltBatch -Jid $CompletedJid -Master $connection
                    $local = Get-SaltBatch -Jid $CompletedJid
                    $status.State, $status.Total, $status.Completed, $status.Failed, $status.Function |
                        Should -Be @($local.State, $local.Total, $local.Completed, $local.Failed, $local.Function)
                }
            }
            finally {
                $inFlight = @((Get-SaltBatch -Jid $running.Jid).ActiveMinions)
                Stop-SaltBatch -Jid $running.Jid -Kill -Force -ErrorAction SilentlyContinue
                Stop-StrayJob $running.Jid $inFlight
            }
        }

        It 'lists minions (returns too, for a return reader) and the history through the companion runner and the genuine salt-api as the local cmdlets do' {
            $settled = @($Started | Where-Object { (Get-SaltBatch -Jid $_).State -ne 'Running' })
            $settled.Count | Should -BeGreaterOrEqual 3
            foreach ($jid in $settled) {
                $remote = @(Get-SaltBatchMinion -Jid $jid -Master "real-$Transport" -IncludeReturn)
                $local = @(Get-SaltBatchMinion -Jid $jid -IncludeReturn)
                $format = { "$($_.Minion) $($_.State) $($_.Outcome) $($_.Retcode) $($_.Reason) $($_.DispatchedAt) $($_.Outputter) $($_.StatesFailed) $($_.Return | ConvertTo-Json -Depth 8 -Compress)" }
                @($remote | ForEach-Object $format) | Should -Be @($local | ForEach-Object $format) -Because "batch $jid"
                @($remote.Master | Select-Object -Unique) | Should -Be "real-$Transport"
            }

            $history = @(Get-SaltBatch -Master "real-$Transport")
            $history.Jid | Should -Be @(Get-SaltBatch).Jid
            $history.Jid | Should -Contain $settled[0]
            @(Get-SaltBatch -Master "real-$Transport" -State Halted).Jid | Should -Be @(Get-SaltBatch -State Halted).Jid
        }

        It 'stops a batch through salt-api and confirms the genuine BatchManager halted it' {
            $batch = Start-UpBatch -ArgumentList 30
            $inFlight = @(Wait-Dispatched $batch.Jid 1)

            try {
                $stopped = Stop-SaltBatch -Jid $batch.Jid -Master "real-$Transport" -PassThru -ErrorVariable failures

                $failures | Should -BeNullOrEmpty
                $stopped.State | Should -Be 'Halted'
                $stopped.HaltedReason | Should -Be 'stop'
                $stopped.Master | Should -Be "real-$Transport"
                (Read-RealBatchState $Salt -Jid $batch.Jid).summary.halted | Should -BeTrue
            }
            finally {
                Stop-StrayJob $batch.Jid $inFlight
            }
        }

        It 'waits through salt-api until the genuine master completes the batch' {
            $batch = Start-UpBatch -Function test.ping -ArgumentList @() -BatchSize 2

            $final = Wait-SaltBatch -Jid $batch.Jid -Master "real-$Transport" -TimeoutSec 120

            $final.State | Should -Be 'Complete'
            $final.Completed | Should -Be 3
            $final.Master | Should -Be "real-$Transport"
        }

        It 'is SaltApiAccessDenied for a user whose external_auth has no runner rights' {
            $bob = Connect-SaltMaster -Uri $Salt.api -Credential ([pscredential]::new('bob', (ConvertTo-SecureString 'bobpw' -AsPlainText -Force))) -EAuth file -Name "bob-$Transport" -WarningAction SilentlyContinue

            $failure = $null
            try { Get-SaltActiveBatch -Master $bob -ErrorAction Stop } catch { $failure = $_ }

            $failure.FullyQualifiedErrorId | Should -BeLike 'SaltApiAccessDenied,*'
            $failure.Exception.Message | Should -BeLike "*user 'bob'*external_auth*"
        }

        It 'is SaltApiAuthenticationFailed for a wrong password, with the reason read out of salt-api''s HTML error page' {
            $wrong = [pscredential]::new('alice', (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))

            { Connect-SaltMaster -Uri $Salt.api_tls -Credential $wrong -EAuth file -Name "wrong-$Transport" -SkipCertificateCheck } |
                Should -Throw -ErrorId 'SaltApiAuthenticationFailed,SaltBatch.ConnectSaltMasterCommand' -PassThru |
                ForEach-Object {
                    $_.Exception.Message | Should -BeLike "*user 'alice'*Could not authenticate using provided credentials*"
                    $_.Exception.Message | Should -Not -Match '<(html|!DOCTYPE|body|h2|p)\b'
                    $_.Exception.Message | Should -Not -BeLike '*not-the-password*'
                }
            Get-SaltMasterConnection -Name "wrong-$Transport" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
    }
}

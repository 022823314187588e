# The cmdlets end to end through the simulated salt-api (TestKit simulate-master --api: rest_cherrypy over the
# simulated master's cache and bus, TLS with a generated self-signed certificate, eauth users with and without the
# batch runner). Remote results are compared with the local reads of the same cache.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule
    $script:RunningJid = '20240610120000000000'
    $script:OtherJid = '20240610120500000000'
    $script:HaltedJid = '20240610121000000000'
    $script:BetaJid = '20240611090000000000'
    $script:Password = 'saltbatch-password'
    $script:Credential = [pscredential]::new('saltbatch', (ConvertTo-SecureString $Password -AsPlainText -Force))
    $script:ThisHost = [Environment]::MachineName

    function New-ApiMaster([string[]] $ApiArgs = @(), [hashtable[]] $Batches = @(), [string[]] $ExtraArgs = @()) {
        $master = Start-SimulatedMaster -Root (Join-Path $TestDrive ("api-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 8))) -ExtraArgs (@('--api') + $ApiArgs + $ExtraArgs)
        if ($Batches) {
            $null = New-SaltTestCache -Path $master.CacheDir -Spec @{ batches = $Batches; activeIndex = @($Batches | ForEach-Object { $_.jid }) }
        }
        $master
    }

    function Get-StandardBatches {
        @(
            @{ jid = $RunningJid; fun = 'state.apply'; tgt = 'web*'; minions = @('web1', 'web2', 'web3', 'web4', 'web5'); done = 1; active = 2; batchSize = 2; created = 1718020800.0; lastProgress = 1718020802.25 }
            @{ jid = $OtherJid; fun = 'test.ping'; tgt = 'db*'; minions = @('db1', 'db2'); done = 0; active = 1; batchSize = 1 }
            @{ jid = $HaltedJid; fun = 'cmd.run'; tgt = 'app*'; minions = @('app1', 'app2'); done = 1; active = 0; batchSize = 1; halted = $true; haltedReason = 'failhard' }
        )
    }

    # Everything but what differs by design: where it came from, when it was read, and the minion names salt-api does not give.
    function ConvertTo-Comparable($info) {
        $info | Select-Object Jid, Function, Target, TargetType, Total, Completed, Active, Pending, Failed, BatchSize, Halted, HaltedReason, Driver, User, Created, LastProgress, State, PercentComplete | ConvertTo-Json -Compress
    }

    function Connect-Sim($Master, [string] $Name, [pscredential] $As = $Credential) {
        Connect-SaltMaster -Uri $Master.Ready.apiUri -Credential $As -Name $Name -SkipCertificateCheck
    }
}

Describe 'Connecting' {
    BeforeAll {
        $script:Alpha = New-ApiMaster -Batches (Get-StandardBatches)
    }
    AfterAll {
        Get-SaltMasterConnection | Disconnect-SaltMaster
        Stop-SimulatedMaster $Alpha
    }

    It 'returns a connection with the login''s user, eauth, expiry and perms, and lists it' {
        $connection = Connect-Sim $Alpha 'alpha'

        $connection | Should -BeOfType SaltBatch.SaltMasterConnection
        $connection.Name | Should -Be 'alpha'
        $connection.Uri | Should -Be ([uri] $Alpha.Ready.apiUri)
        $connection.User | Should -Be 'saltbatch'
        $connection.EAuth | Should -Be 'pam'
        $connection.Expires | Should -BeGreaterThan ([datetime]::UtcNow.AddHours(11))
        $connection.Perms | Should -Be @('@runner: batch\..*, saltbatch\..*, jobs\.list_job', 'test.*', 'web*: state.apply')
        (Get-SaltMasterConnection).Name | Should -Contain 'alpha'
        ($connection | Format-Table | Out-String -Width 200) | Should -Match 'alpha\s+https://127\.0\.0\.1:\d+/\s+saltbatch\s+pam'
    }

    It 'refuses the self-signed certificate without -SkipCertificateCheck, saying how to accept it, and sends nothing' {
        $logins = @(Get-MasterJournal $Alpha -Kind 'api-login').Count

        { Connect-SaltMaster -Uri $Alpha.Ready.apiUri -Credential $Credential -Name refused } |
            Should -Throw -ErrorId 'SaltApiCertificateNotTrusted,SaltBatch.ConnectSaltMasterCommand' -ExpectedMessage '*not trusted*-SkipCertificateCheck*'

        @(Get-MasterJournal $Alpha -Kind 'api-login').Count | Should -Be $logins
        (Get-SaltMasterConnection).Name | Should -Not -Contain 'refused'
    }

    It 'is SaltApiAuthenticationFailed for a wrong password' {
        $wrong = [pscredential]::new('saltbatch', (ConvertTo-SecureString 'wrong-password' -AsPlainText -Force))
        { Connect-Sim $Alpha 'wrong' -As $wrong } | Should -Throw -ErrorId 'SaltApiAuthenticationFailed,SaltBatch.ConnectSaltMasterCommand' -ExpectedMessage "*refused the login of user 'saltbatch'*"
    }

    It 'is SaltMasterUnreachable when nothing listens at the URI' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        { Connect-SaltMaster -Uri "https://127.0.0.1:$port" -Credential $Credential -Name nowhere -TimeoutSec 5 } |
            Should -Throw -ErrorId 'SaltMasterUnreachable,SaltBatch.ConnectSaltMasterCommand' -ExpectedMessage "*Cannot reach salt-api at https://127.0.0.1:$port/*"
    }

    It 'is SaltMasterUnreachable, after -TimeoutSec, when something accepts the connection but never answers' {
        # A listener that is never accepted from: the kernel completes the TCP handshake, nobody speaks TLS or HTTP.
        $silent = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $silent.Start()
        try {
            { Connect-SaltMaster -Uri "https://127.0.0.1:$($silent.LocalEndpoint.Port)" -Credential $Credential -Name silent -TimeoutSec 1 } |
                Should -Throw -ErrorId 'SaltMasterUnreachable,SaltBatch.ConnectSaltMasterCommand' -ExpectedMessage '*no answer within 1s*'
        }
        finally {
            $silent.Stop()
        }
    }

    It 'says a held connection that a later Connect-SaltMaster of the same name replaced is closed, and the name reaches the new one' {
        $old = Connect-Sim $Alpha 'again'
        $new = Connect-Sim $Alpha 'again'

        $old.Connected | Should -BeFalse
        $new.Connected | Should -BeTrue
        $batches = Get-SaltActiveBatch -Master $old -ErrorVariable failures -ErrorAction SilentlyContinue
        $batches | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltMasterNotConnected,*'
        $failures[0].Exception.Message | Should -BeLike "*'again'*replaced*-Master again*"
        @(Get-SaltActiveBatch -Master 'again').Jid | Should -Contain $RunningJid
        $new | Disconnect-SaltMaster
        $new.Connected | Should -BeFalse
    }

    It 'logs out of every connection with -All, as a script ends' {
        $null = Connect-Sim $Alpha 'first'
        $null = Connect-Sim $Alpha 'second'
        Disconnect-SaltMaster -All:$false
        @(Get-SaltMasterConnection).Name | Should -Contain 'first' -Because '-All:$false, as a script may pass $disconnectEverything, is not -All'
        $before = @(Get-MasterJournal $Alpha -Kind 'api-request' | Where-Object path -EQ '/logout').Count

        Disconnect-SaltMaster -All

        Get-SaltMasterConnection | Should -BeNullOrEmpty
        @(Get-MasterJournal $Alpha -Kind 'api-request' | Where-Object path -EQ '/logout').Count | Should -BeGreaterOrEqual ($before + 2)
    }

    It 'logs out and forgets the connection' {
        $null = Connect-Sim $Alpha 'leaving'
        Disconnect-SaltMaster leaving

        @(Get-SaltMasterConnection | ForEach-Object Name) | Should -Not -Contain 'leaving'
        Get-MasterJournal $Alpha -Kind 'api-request' | Where-Object path -EQ '/logout' | Should -Not -BeNullOrEmpty
        Get-SaltActiveBatch -Master leaving -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -Be 'SaltMasterNotConnected,SaltBatch.GetSaltActiveBatchCommand'
        $missing[0].Exception.Message | Should -BeLike "*'leaving' in this PowerShell process (its runspaces share them)*"
    }

    It 'shares its connections with the other runspaces of the process, as its messages say' {
        $null = Connect-Sim $Alpha 'shared'
        $other = [powershell]::Create()
        try {
            $null = $other.AddScript("Import-Module '$((Get-SaltBatchModulePath) -replace "'", "''")'; (Get-SaltActiveBatch -Master shared).Jid")
            @($other.Invoke()) | Should -Contain $RunningJid
        }
        finally {
            $other.Dispose()
            Disconnect-SaltMaster shared
        }
    }
}

Describe 'Reading through salt-api' {
    BeforeAll {
        $script:Alpha = New-ApiMaster -Batches (Get-StandardBatches)
        $script:Beta = New-ApiMaster -Batches @(@{ jid = $BetaJid; fun = 'pkg.upgrade'; tgt = 'lab*'; minions = @('lab1', 'lab2'); done = 0; active = 1; batchSize = 1 })
        $null = Connect-Sim $Alpha 'alpha'
        $null = Connect-Sim $Beta 'beta'
    }
    AfterAll {
        Get-SaltMasterConnection | Disconnect-SaltMaster
        Stop-SimulatedMaster $Alpha
        Stop-SimulatedMaster $Beta
    }

    It 'Get-SaltActiveBatch -Master equals the local read of the same cache, each object naming its master' {
        $remote = @(Get-SaltActiveBatch -Master alpha)
        $local = @(Get-SaltActiveBatch -ConfigPath $Alpha.ConfigPath)

        $remote.Count | Should -Be 3
        ($remote | ForEach-Object { ConvertTo-Comparable $_ }) | Should -Be ($local | ForEach-Object { ConvertTo-Comparable $_ })
        $remote.Master | Should -Be @('alpha', 'alpha', 'alpha')
        $local.Master | Should -Be @($ThisHost, $ThisHost, $ThisHost)
        $remote | Where-Object { $null -ne $_.Unsuccessful -or $null -ne $_.Succeeded } | Should -BeNullOrEmpty -Because 'the runner''s summary has no retcodes to count'
        $local.Unsuccessful | Should -Not -Contain $null
        ($remote | Format-Table | Out-String -Width 200) | Should -Match "$RunningJid\s+state\.apply\s+web\*\s+1/5\s+2\s+2\s+0\s+-\s+Running"
    }

    It 'Get-SaltBatch -Jid -Master equals the local read; a JID no master has is SaltBatchNotFound' {
        $remote = Get-SaltBatch -Jid $RunningJid -Master alpha
        $local = Get-SaltBatch -Jid $RunningJid -ConfigPath $Alpha.ConfigPath

        ConvertTo-Comparable $remote | Should -Be (ConvertTo-Comparable $local)
        Get-SaltBatch -Jid 20990101000000000000 -Master alpha, beta -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing.FullyQualifiedErrorId | Should -Be @('SaltBatchNotFound,SaltBatch.GetSaltBatchCommand', 'SaltBatchNotFound,SaltBatch.GetSaltBatchCommand')
    }

    It 'asks two masters at once: a JID found on one is no error on the other' {
        $found = Get-SaltBatch -Jid $BetaJid -Master alpha, beta -ErrorVariable problems

        $found.Master | Should -Be 'beta'
        $found.Function | Should -Be 'pkg.upgrade'
        $problems | Should -BeNullOrEmpty
        (Get-SaltActiveBatch -Master alpha, beta).Master | Should -Be @('alpha', 'alpha', 'alpha', 'beta')
    }

    It 'completes -Master names and, with -Master given, the JIDs of that master''s active batches' {
        $line = 'Get-SaltActiveBatch -Master al'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'alpha'
        $line = "Stop-SaltBatch -Master beta -Jid 2024"
        $matches = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches

        $matches.CompletionText | Should -Be @($BetaJid)
        $matches[0].ToolTip | Should -BeLike 'pkg.upgrade on lab*: 0/2 done, 1 active, 0 failed, Running*'
    }

    It 'starts and relaunches through salt-api only with the companion runner: without it, SaltApiRunnerNotInstalled, and nothing is published' {
        { Start-SaltBatch -Target 'web*' -Function test.ping -BatchSize 2 -Master alpha -ErrorAction Stop } |
            Should -Throw -ErrorId 'SaltApiRunnerNotInstalled,SaltBatch.StartSaltBatchCommand' -ExpectedMessage '*companion runner is not installed*Install-SaltBatchRunner*'
        { Restart-SaltBatch -Jid $HaltedJid -Master alpha -ErrorAction Stop } |
            Should -Throw -ErrorId 'SaltApiRunnerNotInstalled,SaltBatch.RestartSaltBatchCommand' -ExpectedMessage '*companion runner is not installed*'
        Get-MasterJournal $Alpha -Kind 'publish-received' | Should -BeNullOrEmpty
    }

    It 'formats results that come back over PowerShell remoting like local ones' {
        # A background job speaks the remoting protocol to a child pwsh: its objects come back as the same
        # Deserialized.SaltBatch.* types as from Invoke-Command -HostName master { Get-SaltActiveBatch }.
        $module = Get-SaltBatchModulePath
        $config = $Alpha.ConfigPath
        $remoted = @(Start-Job { Import-Module $using:module; Get-SaltActiveBatch -ConfigPath $using:config } | Receive-Job -Wait -AutoRemoveJob)

        $remoted | Should -HaveCount 3
        $remoted[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.SaltBatch.SaltBatchInfo'
        $table = $remoted | Format-Table | Out-String -Width 200
        $table | Should -Match 'Jid\s+Function\s+Target\s+Done/Total\s+Active\s+Pending\s+Failed\s+Unsuccessful\s+State\s+Age'
        $table | Should -Match "$RunningJid\s+state\.apply\s+web\*\s+1/5\s+2\s+2\s+0\s+0\s+Running"
        $table | Should -Match "$HaltedJid\s+cmd\.run\s+app\*\s+1/2\s+0\s+1\s+0\s+0\s+Halted:failhard"
    }
}

Describe 'Stopping through salt-api' {
    BeforeEach {
        $script:Alpha = New-ApiMaster -Batches (Get-StandardBatches)
        $script:Beta = New-ApiMaster -Batches @(@{ jid = $BetaJid; fun = 'pkg.upgrade'; tgt = 'lab*'; minions = @('lab1', 'lab2'); done = 0; active = 1; batchSize = 1 })
        $null = Connect-Sim $Alpha 'alpha'
        $null = Connect-Sim $Beta 'beta'
    }
    AfterEach {
        Get-SaltMasterConnection | Disconnect-SaltMaster -WarningAction SilentlyContinue
        Stop-SimulatedMaster $Alpha
        if ($Beta) { Stop-SimulatedMaster $Beta }
    }

    It 'stops without -Kill: batch.stop without kill, no kill publish, the halt confirmed' {
        $result = Get-SaltActiveBatch -Master alpha | Where-Object Function -EQ 'test.ping' | Stop-SaltBatch -PassThru -Verbose 4>&1
        $info = $result | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] }
        $verbose = $result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message

        $info.Master | Should -Be 'alpha'
        $info.State | Should -Be 'Halted'
        $info.HaltedReason | Should -Be 'stop'
        $call = Get-MasterJournal $Alpha -Kind 'api-call' | Where-Object fun -EQ 'batch.stop'
        $call.chunk.kwarg.jid | Should -Be $OtherJid
        $call.chunk.kwarg.PSObject.Properties.Name | Should -Not -Contain 'kill'
        Get-MasterJournal $Alpha -Kind 'publish-received' | Should -BeNullOrEmpty
        $verbose | Where-Object { $_ -like "Saw salt/batch/$OtherJid/halted*" -or $_ -like "batch.status on 'alpha' says halted*" } | Should -Not -BeNullOrEmpty
    }

    It 'while /events flows, confirms a stop by the halted event and re-reads batch.status only every few seconds' {
        $slow = New-ApiMaster -Batches (Get-StandardBatches) -ExtraArgs '--never-halt'
        try {
            $null = Connect-Sim $slow 'slow'

            Stop-SaltBatch -Jid $RunningJid -Master slow -TimeoutSec 3 -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltBatchStopNotConfirmed,*'
            (Get-MasterJournal $slow -Kind 'api-events-open').Count | Should -BeGreaterOrEqual 1
            # To describe it before asking, again right before the stop (the answer may have taken a while), when
            # confirming starts, and at the deadline: not four times a second.
            @(Get-MasterJournal $slow -Kind 'api-call' | Where-Object fun -EQ 'batch.status').Count | Should -BeLessOrEqual 4
        }
        finally {
            Stop-SimulatedMaster $slow
        }
    }

    It 'stops with -Kill: kill is sent as the JSON boolean true and the master publishes saltutil.kill_job to the active minions' {
        Stop-SaltBatch -Jid $RunningJid -Master alpha -Kill -Force

        $call = Get-MasterJournal $Alpha -Kind 'api-call' | Where-Object fun -EQ 'batch.stop'
        $call.chunk.kwarg.kill | Should -BeOfType [bool]
        $call.chunk.kwarg.kill | Should -BeTrue
        $publish = @(Get-MasterJournal $Alpha -Kind 'publish-received')
        $publish | Should -HaveCount 1
        $publish[0].tgt | Should -Be @('web2', 'web3')
        (Get-SaltBatch -Jid $RunningJid -ConfigPath $Alpha.ConfigPath).State | Should -Be 'Halted'
    }

    It 'sends piped batches back to the master each came from' {
        Get-SaltActiveBatch -Master alpha, beta | Where-Object Function -In 'pkg.upgrade', 'test.ping' | Stop-SaltBatch

        (Get-MasterJournal $Alpha -Kind 'api-call' | Where-Object fun -EQ 'batch.stop').chunk.kwarg.jid | Should -Be @($OtherJid)
        (Get-MasterJournal $Beta -Kind 'api-call' | Where-Object fun -EQ 'batch.stop').chunk.kwarg.jid | Should -Be @($BetaJid)
    }

    It 'reports an already halted batch as SaltBatchAlreadyHalted and sends no stop' {
        Stop-SaltBatch -Jid $HaltedJid -Master alpha -ErrorVariable problem -ErrorAction SilentlyContinue

        $problem[0].FullyQualifiedErrorId | Should -Be 'SaltBatchAlreadyHalted,SaltBatch.StopSaltBatchCommand'
        Get-MasterJournal $Alpha -Kind 'api-call' | Where-Object fun -EQ 'batch.stop' | Should -BeNullOrEmpty
    }

    It 'reports a completed batch as SaltBatchAlreadyComplete and sends no stop (the runner would rewrite it as halted)' {
        $completeJid = '20240610123000000000'
        $null = New-SaltTestCache -Path $Alpha.CacheDir -Spec @{ batches = @(@{ jid = $completeJid; fun = 'test.ping'; tgt = 'db*'; minions = @('db1', 'db2'); done = 2; active = 0; batchSize = 1 }) }

        Stop-SaltBatch -Jid $completeJid -Master alpha -ErrorVariable problem -ErrorAction SilentlyContinue

        $problem[0].FullyQualifiedErrorId | Should -Be 'SaltBatchAlreadyComplete,SaltBatch.StopSaltBatchCommand'
        $problem[0].Exception.Message | Should -BeLike "Batch $completeJid on 'alpha' already completed (2/2 done*nothing was sent*"
        Get-MasterJournal $Alpha -Kind 'api-call' | Where-Object fun -EQ 'batch.stop' | Should -BeNullOrEmpty
        (Get-SaltBatch -Jid $completeJid -ConfigPath $Alpha.ConfigPath).State | Should -Be 'Complete'
    }

    It 'one master down is that master''s error; the other''s results still come' {
        Stop-SimulatedMaster $Beta
        $script:Beta = $null   # its port stays closed: no new master is started that could be given it again

        $results = @(Get-SaltActiveBatch -Master alpha, beta -ErrorVariable down -ErrorAction SilentlyContinue)

        $results.Master | Should -Be @('alpha', 'alpha', 'alpha')
        $down | Should -HaveCount 1
        $down[0].FullyQualifiedErrorId | Should -Be 'SaltMasterUnreachable,SaltBatch.GetSaltActiveBatchCommand'
        $down[0].TargetObject | Should -Be 'beta'
    }
}

Describe 'Waiting through salt-api' {
    BeforeAll {
        $script:Driven = New-ApiMaster -ExtraArgs @('--drive-batches', '--step-ms', '50', '--seed', '3') -Batches @(
            @{ jid = $RunningJid; fun = 'test.ping'; tgt = 'web*'; total = 10; batchSize = 3 }
            @{ jid = $OtherJid; fun = 'test.ping'; tgt = 'db*'; total = 10; batchSize = 3 }
        )
        $null = Connect-Sim $Driven 'driven'
    }
    AfterAll {
        Get-SaltMasterConnection | Disconnect-SaltMaster
        Stop-SimulatedMaster $Driven
    }

    It 'follows piped batches over /events to the end, with the same progress bars as locally' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$(Get-SaltBatchModulePath)'; Get-SaltActiveBatch -Master driven | Wait-SaltBatch -TimeoutSec 30 -Verbose")
            $infos = $ps.Invoke()
            $progress = @($ps.Streams.Progress)

            $ps.Streams.Error | Should -BeNullOrEmpty
            $infos.State | Should -Be @('Complete', 'Complete')
            $infos.Master | Should -Be @('driven', 'driven')
            foreach ($info in $infos) {
                $local = Get-SaltBatch -Jid $info.Jid -ConfigPath $Driven.ConfigPath
                ($info | Select-Object Jid, Total, Completed, Failed, Active, Pending, Halted, State | ConvertTo-Json -Compress) |
                    Should -Be ($local | Select-Object Jid, Total, Completed, Failed, Active, Pending, Halted, State | ConvertTo-Json -Compress)
            }
            $ps.Streams.Verbose.Message | Where-Object { $_ -like 'Following https://127.0.0.1:*/events*' } | Should -Not -BeNullOrEmpty
            foreach ($jid in $RunningJid, $OtherJid) {
                $records = @($progress | Where-Object Activity -Like "Salt batch $jid (test.ping on *) on 'driven'")
                $running = @($records | Where-Object RecordType -EQ 'Processing')
                $running.Count | Should -BeGreaterThan 1
                @($running.PercentComplete) | Should -Be @($running.PercentComplete | Sort-Object)
                $running | ForEach-Object { $_.StatusDescription | Should -Match '^\d+/10 done, \d+ active, \d+ failed$' }
                $records[-1].RecordType | Should -Be 'Completed'
            }
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'follows several batches of one master with one batch.list_active per re-read, not one batch.status each' {
        $still = New-ApiMaster -Batches (Get-StandardBatches)
        try {
            $null = Connect-Sim $still 'still'

            $infos = Wait-SaltBatch -Jid $RunningJid, $OtherJid -Master still -TimeoutSec 3 -ErrorVariable late -ErrorAction SilentlyContinue

            $infos | Should -BeNullOrEmpty
            @($late.FullyQualifiedErrorId | Sort-Object -Unique) | Should -Be @('SaltBatchWaitTimeout,SaltBatch.WaitSaltBatchCommand')
            @($late.TargetObject.Jid | Sort-Object) | Should -Be @($RunningJid, $OtherJid | Sort-Object)
            $calls = @(Get-MasterJournal $still -Kind 'api-call')
            # One first look per batch; every later re-read (when the wait starts listening, at the deadline) is one call for both.
            @($calls | Where-Object fun -EQ 'batch.status').Count | Should -Be 2
            @($calls | Where-Object fun -EQ 'batch.list_active').Count | Should -BeIn 1, 2, 3
        }
        finally {
            Disconnect-SaltMaster still
            Stop-SimulatedMaster $still
        }
    }
}


Describe 'What the master refuses' {
    AfterEach {
        Get-SaltMasterConnection | Disconnect-SaltMaster
        Stop-SimulatedMaster $Refusing
    }

    It 'a user without the batch runner is SaltApiAccessDenied, naming the external_auth rule' {
        $script:Refusing = New-ApiMaster -Batches (Get-StandardBatches)
        $null = Connect-Sim $Refusing 'viewer' -As ([pscredential]::new('viewer', (ConvertTo-SecureString 'viewer-password' -AsPlainText -Force)))

        { Get-SaltActiveBatch -Master viewer -ErrorAction Stop } | Should -Throw -ErrorId 'SaltApiAccessDenied,SaltBatch.GetSaltActiveBatchCommand' -ExpectedMessage '*refused the runner call batch.list_active*external_auth: {pam: {viewer: *@runner*batch*'
    }

    It 'has one error rule whatever the number of masters: a master''s failure is its non-terminating error, which -ErrorAction governs' {
        $script:Refusing = New-ApiMaster -Batches (Get-StandardBatches)
        $null = Connect-Sim $Refusing 'viewer' -As ([pscredential]::new('viewer', (ConvertTo-SecureString 'viewer-password' -AsPlainText -Force)))
        $null = Connect-Sim $Refusing 'operator'

        $alone = @(Get-SaltActiveBatch -Master viewer -ErrorAction SilentlyContinue -ErrorVariable aloneErrors)
        $together = @(Get-SaltActiveBatch -Master viewer, operator -ErrorAction SilentlyContinue -ErrorVariable togetherErrors)

        $alone | Should -BeNullOrEmpty
        @($aloneErrors.FullyQualifiedErrorId) | Should -Be @('SaltApiAccessDenied,SaltBatch.GetSaltActiveBatchCommand')
        @($togetherErrors.FullyQualifiedErrorId) | Should -Be @('SaltApiAccessDenied,SaltBatch.GetSaltActiveBatchCommand')
        @($together.Master | Select-Object -Unique) | Should -Be @('operator')
        # An unknown -Master is one error for the call, however many records are piped.
        $null = '20240610120000000000', '20240610121000000000', '20240610130000000000' | Get-SaltBatch -Master nosuch -ErrorAction SilentlyContinue -ErrorVariable unknown
        @($unknown | Where-Object FullyQualifiedErrorId -Like 'SaltMasterNotConnected,*') | Should -HaveCount 1
    }

    It 'a disabled runner client is SaltApiClientDisabled, naming netapi_enable_clients' {
        $script:Refusing = New-ApiMaster -ApiArgs '--api-no-runner-client' -Batches (Get-StandardBatches)
        $null = Connect-Sim $Refusing 'disabled'

        { Get-SaltActiveBatch -Master disabled -ErrorAction Stop } | Should -Throw -ErrorId 'SaltApiClientDisabled,SaltBatch.GetSaltActiveBatchCommand' -ExpectedMessage '*netapi_enable_clients*'
    }

    It 'a batch runner function that raises is SaltApiError saying so and where the traceback is, not "upgrade to 3008"' {
        $script:Refusing = New-ApiMaster -ApiArgs '--api-list-active-raises' -Batches (Get-StandardBatches)
        $null = Connect-Sim $Refusing 'raising'

        { Get-SaltActiveBatch -Master raising -ErrorAction Stop } |
            Should -Throw -ErrorId 'SaltApiError,SaltBatch.GetSaltActiveBatchCommand' -ExpectedMessage '*batch.list_active*runner is there*raised an error*salt-api log*'
        (Get-SaltBatch -Jid $RunningJid -Master raising).State | Should -Be 'Running'
    }

    It 'a master without the batch runner is SaltApiBatchRunnerMissing, naming the Salt version that has it' {
        $script:Refusing = New-ApiMaster -ApiArgs '--api-no-batch-runner' -Batches (Get-StandardBatches)
        $null = Connect-Sim $Refusing 'old'

        { Stop-SaltBatch -Jid $RunningJid -Master old -ErrorAction Stop } | Should -Throw -ErrorId 'SaltApiBatchRunnerMissing,SaltBatch.StopSaltBatchCommand' -ExpectedMessage '*no batch runner*Salt 3008*'
    }

    It 'renews an expired session once with the stored credential, transparently' {
        $script:Refusing = New-ApiMaster -Batches (Get-StandardBatches)
        $null = Connect-Sim $Refusing 'renewing'
        Set-Content -LiteralPath (Join-Path $Refusing.Root 'expire-api-sessions') -Value ''

        $result = Get-SaltActiveBatch -Master renewing -Verbose 4>&1
        $infos = @($result | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] })
        $verbose = $result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message

        $infos | Should -HaveCount 3
        $verbose | Where-Object { $_ -like "*refused the session*logging in again as 'saltbatch', once*" } | Should -HaveCount 1
        @(Get-MasterJournal $Refusing -Kind 'api-login') | Should -HaveCount 2
    }

    It 'never shows the password or the session token, in any stream of a -Verbose -Debug run or any property' {
        $script:Refusing = New-ApiMaster -Batches (Get-StandardBatches)
        $everything = & {
            $connection = Connect-SaltMaster -Uri $Refusing.Ready.apiUri -Credential $Credential -Name secret -SkipCertificateCheck -Verbose -Debug
            $connection | Format-List * | Out-String
            $connection | ConvertTo-Json -Depth 5
            Get-SaltActiveBatch -Master secret -Verbose -Debug | Format-List * | Out-String
            Set-Content -LiteralPath (Join-Path $Refusing.Root 'expire-api-sessions') -Value ''
            Stop-SaltBatch -Jid $RunningJid -Master secret -Kill -Force -PassThru -Verbose -Debug
            Get-SaltBatch -Jid 20990101000000000000 -Master secret -Verbose -Debug -ErrorAction Continue
            Get-SaltActiveBatch -Master secret -Verbose -Debug -ErrorAction Continue
        } *>&1 | Out-String -Width 400
        $tokens = @(Get-MasterJournal $Refusing -Kind 'api-session').token

        $tokens | Should -HaveCount 2
        $everything | Should -Match 'Logged in as ''saltbatch'''
        $everything | Should -Not -Match ([regex]::Escape($Password))
        foreach ($token in $tokens) { $everything | Should -Not -Match $token }
    }
}

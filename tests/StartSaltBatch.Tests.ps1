BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule
    $script:Me = (& id -un)
    $script:Web = @('web1', 'web2', 'web3', 'web4')
    $script:Accepted = ($Web + 'db1') -join ','

    # A master whose user is the test's own, so the files are ours as they would be the master's.
    function New-StartMaster([string[]] $MasterArgs = @(), [string] $User = $Me) {
        $root = Join-Path $TestDrive ("master-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 8))
        Start-SimulatedMaster -Root $root -User $User -ExtraArgs (@('--accepted-minions', $Accepted) + $MasterArgs)
    }

    function Get-JobDirectories($Master) {
        $jobs = Join-Path $Master.CacheDir 'jobs'
        @(if (Test-Path $jobs) { Get-ChildItem -Path $jobs -Directory | Get-ChildItem -Directory })
    }

    function Get-ActiveIndex($Master) {
        $index = Join-Path $Master.CacheDir 'batch_active.p'
        # The peer returns the list as one object; the pipeline unrolls it.
        @(if (Test-Path $index) { Read-SaltFile $index | ForEach-Object { $_ } })
    }

    # Events the master received other than saltbatch/probe/* (harmless by design: the framing probe, and the event
    # that confirms the ping's subscription before the ping is published).
    function Get-NonProbeEvent($Master) {
        Get-MasterJournal $Master -Kind 'event-received' | Where-Object tag -NotLike 'saltbatch/probe/*'
    }

    # Nothing the cmdlet could have sent or written: no publish, no event, no job directory, no index.
    function Assert-NothingStarted($Master, [switch] $PingSent) {
        $published = @(Get-MasterJournal $Master -Kind 'publish-received')
        if ($PingSent) { $published.fun | Should -Be @('test.ping') } else { $published | Should -BeNullOrEmpty }
        Get-NonProbeEvent $Master | Should -BeNullOrEmpty
        Get-JobDirectories $Master | Should -BeNullOrEmpty
        Test-Path (Join-Path $Master.CacheDir 'batch_active.p') | Should -BeFalse
    }
}

Describe 'Start-SaltBatch against a simulated master' {
    BeforeEach {
        $script:Master = New-StartMaster
    }
    AfterEach {
        Stop-SimulatedMaster $Master
    }

    It 'starts a glob batch: pings web*, writes the state with every responder pending, indexes it and fires new' {
        $output = Start-SaltBatch -ConfigPath $Master.ConfigPath -Target 'web*' -Function state.apply -ArgumentList 'nginx' -Kwarg @{ test = $true } -BatchSize 2 -Verbose 4>&1
        $batch = $output | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] }
        $verbose = $output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message

        $batch.State | Should -Be 'Running'
        $batch.Driver | Should -Be 'master'
        $batch.Target | Should -Be 'web*'
        $batch.TargetType | Should -Be 'glob'
        $batch.Total | Should -Be 4
        $batch.Pending | Should -Be 4
        $batch.BatchSize | Should -Be 2
        $batch.User | Should -Be $Me

        $ping = @(Get-MasterJournal $Master -Kind 'publish-received')
        $ping.Count | Should -Be 1
        $ping[0].fun | Should -Be 'test.ping'
        $ping[0].tgt | Should -Be 'web*'
        $ping[0].tgt_type | Should -Be 'glob'
        $pingJid = $ping[0].reply.load.jid
        $verbose | Where-Object { $_ -like "Ping job $pingJid*4 of 4*web1, web2, web3, web4*" } | Should -HaveCount 1
        $verbose | Where-Object { $_ -like "Batch $($batch.Jid):*" } | Should -HaveCount 1
        $verbose | Where-Object { $_ -like "Wrote $(Get-BatchStatePath -CacheDir $Master.CacheDir -Jid $batch.Jid)*" } | Should -HaveCount 1

        $state = Read-SaltFile (Get-BatchStatePath -CacheDir $Master.CacheDir -Jid $batch.Jid)
        @($state.PSObject.Properties.Name) | Should -Be @('jid', 'all_minions', 'pending', 'active', 'done', 'failed', 'wait', 'batch_size', 'fun', 'arg', 'kwargs', 'tgt', 'tgt_type', 'failhard', 'batch_wait', 'timeout', 'gather_job_timeout', 'last_progress', 'created', 'halted', 'halted_reason', 'driver', 'ret', 'user')
        $state.all_minions | Should -Be $Web
        $state.pending | Should -Be $Web
        @($state.active.PSObject.Properties).Count | Should -Be 0
        $state.arg[0] | Should -Be 'nginx'
        $state.arg[1].__kwarg__ | Should -BeTrue
        $state.arg[1].test | Should -BeTrue
        $state.timeout | Should -Be 1800
        $state.driver | Should -Be 'master'
        Get-Content -Raw -LiteralPath (Join-Path (Split-Path (Get-BatchStatePath -CacheDir $Master.CacheDir -Jid $batch.Jid)) 'jid') | Should -BeExactly $batch.Jid

        (Get-SaltActiveBatch -ConfigPath $Master.ConfigPath).Jid | Should -Be @($batch.Jid)
        $new = Get-MasterJournal $Master -Kind 'event-received' | Where-Object tag -EQ "salt/batch/$($batch.Jid)/new"
        $new.data.total_minions | Should -Be 4
        $new.data.driver | Should -Be 'master'
        (Wait-MasterJournal $Master -Kind 'batch-new-handled').action | Should -Be 'adopted'
        Get-MasterJournal $Master -Kind 'protocol-error' | Should -BeNullOrEmpty
    }

    It 'makes several -Target values one list target, warns about ids the master does not know, and stops pinging once every announced minion answered' {
        # Were the ping to wait out its timeout, this test would take five minutes instead of a second.
        $started = [datetime]::UtcNow
        $output = Start-SaltBatch -ConfigPath $Master.ConfigPath -Target web2, db1, ghost1, web2 -Function test.ping -BatchSize 1 -PingTimeoutSec 300 3>&1
        $batch = $output | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] }

        ([datetime]::UtcNow - $started).TotalSeconds | Should -BeLessThan 300
        ($output | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Message | Should -Be 'Minion ghost1 has no accepted key on the master. No job will be sent.'
        $batch.TargetType | Should -Be 'list'
        $batch.Target | Should -Be 'web2,db1,ghost1'
        $batch.Total | Should -Be 2
        $ping = Get-MasterJournal $Master -Kind 'publish-received'
        $ping.tgt | Should -Be @('web2', 'db1', 'ghost1')
        $ping.tgt_type | Should -Be 'list'
        $state = Read-SaltFile (Get-BatchStatePath -CacheDir $Master.CacheDir -Jid $batch.Jid)
        $state.tgt | Should -Be @('web2', 'db1', 'ghost1')
        $state.all_minions | Should -Be @('web2', 'db1')
    }

    It 'collects piped ids, by value and from the Minion property of Get-SaltBatchMinion, into one batch' {
        $earlier = '20240610120000000000'
        $null = New-SaltTestCache -Path $Master.CacheDir -Spec @{
            batches = @(@{ jid = $earlier; fun = 'state.apply'; tgt = 'web*'; minions = $Web; done = 2; failed = 2; batchSize = 2 })
        }
        $failed = @(Get-SaltBatchMinion -ConfigPath $Master.ConfigPath $earlier -State Failed)
        $failed.Minion | Should -Be @('web3', 'web4')

        $retry = $failed | Start-SaltBatch -ConfigPath $Master.ConfigPath -Function state.apply -BatchSize 5
        $byValue = 'db1', 'web1' | Start-SaltBatch -ConfigPath $Master.ConfigPath -Function test.ping -BatchSize 5

        @($retry).Count | Should -Be 1
        $retry.TargetType | Should -Be 'list'
        $retry.Total | Should -Be 2
        (Get-SaltBatchMinion -ConfigPath $Master.ConfigPath $retry.Jid).Minion | Should -Be @('web3', 'web4')
        @($byValue).Count | Should -Be 1
        $byValue.Target | Should -Be 'db1,web1'
        @(Get-MasterJournal $Master -Kind 'publish-received').Count | Should -Be 2
    }

    It 'shows a progress bar of the ping''s answers while it pings, completed once, and its verbose lines' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$(Get-SaltBatchModulePath)'; Start-SaltBatch -ConfigPath '$($Master.ConfigPath)' -Target 'web*' -Function test.ping -BatchSize 2 -Verbose")
            $batch = @($ps.Invoke())
            $progress = @($ps.Streams.Progress)

            $ps.Streams.Error | Should -BeNullOrEmpty
            $batch.Total | Should -Be 4
            $running = @($progress | Where-Object RecordType -EQ 'Processing')
            $running | Should -Not -BeNullOrEmpty
            $running | ForEach-Object { $_.Activity | Should -Be "Pinging glob 'web*' on '$($batch.Master)'" }
            $running[-1].StatusDescription | Should -Match '^4 of 4 announced minion\(s\) answered \(job \d{20}\)$'
            $running[-1].PercentComplete | Should -Be 100
            @($progress | Where-Object RecordType -EQ 'Completed') | Should -HaveCount 1
            $progress[-1].RecordType | Should -Be 'Completed'
            @($ps.Streams.Verbose.Message | Where-Object { $_ -like 'Publishing test.ping to *' }) | Should -HaveCount 1
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'keeps a piped glob a glob: a piped string, or the Target and TargetType of a piped batch' {
        $earlier = '20240610120000000000'
        $null = New-SaltTestCache -Path $Master.CacheDir -Spec @{
            batches = @(@{ jid = $earlier; fun = 'state.apply'; tgt = 'web*'; minions = $Web; done = 4; batchSize = 2 })
        }

        $again = Get-SaltBatch -ConfigPath $Master.ConfigPath -Jid $earlier | Start-SaltBatch -ConfigPath $Master.ConfigPath -Function test.ping -BatchSize 2
        $piped = 'web*' | Start-SaltBatch -ConfigPath $Master.ConfigPath -Function test.ping -BatchSize 2
        $typed = 'web*' | Start-SaltBatch -ConfigPath $Master.ConfigPath -Function test.ping -BatchSize 2 -TargetType glob

        foreach ($batch in $again, $piped, $typed) {
            "$($batch.TargetType) $($batch.Target) $($batch.Total)" | Should -Be 'glob web* 4'
        }
        @(Get-MasterJournal $Master -Kind 'publish-received' | ForEach-Object { "$($_.tgt_type) $($_.tgt)" }) | Should -Be @('glob web*', 'glob web*', 'glob web*')
    }

    It 'says what happened when piped batches bring several globs, and starts nothing' {
        $null = New-SaltTestCache -Path $Master.CacheDir -Spec @{
            batches = @(
                @{ jid = '20240610120000000000'; fun = 'state.apply'; tgt = 'web*'; minions = $Web; done = 4; batchSize = 2 }
                @{ jid = '20240610130000000000'; fun = 'state.apply'; tgt = 'db*'; minions = @('db1'); done = 1; batchSize = 1 }
            )
        }

        $before = Get-JobDirectories $Master

        { Get-SaltBatch -ConfigPath $Master.ConfigPath -Jid 20240610120000000000, 20240610130000000000 | Start-SaltBatch -ConfigPath $Master.ConfigPath -Function test.ping -BatchSize 2 } |
            Should -Throw -ErrorId 'SaltBatchInvalidArgument,SaltBatch.StartSaltBatchCommand' -ExpectedMessage '2 targets (web`*, db`*) make a list target, but their target type is glob*'
        Get-MasterJournal $Master -Kind 'publish-received' | Should -BeNullOrEmpty
        (Get-JobDirectories $Master).FullName | Should -Be $before.FullName
    }

    It 'sizes <Size> of <Count> answering minions as <Expected>, as Salt does' -ForEach @(
        @{ Size = '3'; Count = 4; Expected = 3 }
        @{ Size = '10'; Count = 4; Expected = 10 }
        @{ Size = '50%'; Count = 4; Expected = 2 }
        @{ Size = '10%'; Count = 4; Expected = 1 }
        @{ Size = '75%'; Count = 4; Expected = 3 }
        @{ Size = '99%'; Count = 4; Expected = 3 }
    ) {
        $batch = Start-SaltBatch -ConfigPath $Master.ConfigPath -Target 'web*' -Function test.ping -BatchSize $Size

        $batch.Total | Should -Be $Count
        $batch.BatchSize | Should -Be $Expected
        (Read-SaltFile (Get-BatchStatePath -CacheDir $Master.CacheDir -Jid $batch.Jid)).batch_size | Should -Be $Expected
    }

    It 'sends and writes nothing with -WhatIf, not even the ping' {
        Start-SaltBatch -ConfigPath $Master.ConfigPath -Target 'web*' -Function state.apply -BatchSize 2 -WhatIf

        Assert-NothingStarted $Master
    }

    It 'rejects a bad -BatchSize (<Size>) while binding, before anything is sent' -ForEach @(
        @{ Size = 'abc' }, @{ Size = '0' }, @{ Size = '-1' }, @{ Size = '2.5' }, @{ Size = '%' }, @{ Size = '0%' }, @{ Size = '' }
    ) {
        { Start-SaltBatch -ConfigPath $Master.ConfigPath -Target 'web*' -Function test.ping -BatchSize $Size } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,SaltBatch.StartSaltBatchCommand'

        Assert-NothingStarted $Master
    }

    It 'rejects an unknown -TargetType and an empty function while binding' {
        { Start-SaltBatch -ConfigPath $Master.ConfigPath -Target 'web*' -TargetType regex -Function test.ping -BatchSize 1 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,SaltBatch.StartSaltBatchCommand'
        { Start-SaltBatch -ConfigPath $Master.ConfigPath -Target 'web*' -Function '' -BatchSize 1 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,SaltBatch.StartSaltBatchCommand'

        Assert-NothingStarted $Master
    }

    It 'rejects a blank function and several targets with a non-list -TargetType before anything is sent' {
        { Start-SaltBatch -ConfigPath $Master.ConfigPath -Target 'web*' -Function '  ' -BatchSize 1 } |
            Should -Throw -ErrorId 'SaltBatchInvalidArgument,SaltBatch.StartSaltBatchCommand'
        { Start-SaltBatch -ConfigPath $Master.ConfigPath -Target web1, web2 -TargetType grain -Function test.ping -BatchSize 1 } |
            Should -Throw -ErrorId 'SaltBatchInvalidArgument,SaltBatch.StartSaltBatchCommand'

        Assert-NothingStarted $Master
    }

    It 'is one SaltBatchNoMinions error, with nothing written, when no minion matches' {
        $result = Start-SaltBatch -ConfigPath $Master.ConfigPath -Target 'mail*' -Function test.ping -BatchSize 1 -ErrorVariable failures -ErrorAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'SaltBatchNoMinions,SaltBatch.StartSaltBatchCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].Exception.Message | Should -BeLike '*could not resolve minions*mail*'
        Assert-NothingStarted $Master -PingSent
    }
}

Describe 'Start-SaltBatch when minions are down' {
    It 'warns once per silent minion and leaves it out of the batch' {
        $master = New-StartMaster -MasterArgs @('--down-minions', 'web2,web4')
        try {
            $output = Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 10 -PingTimeoutSec 1 3>&1
            $batch = $output | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] }
            $warnings = @($output | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object Message)

            $warnings | Should -Be @('Minion web2 did not respond. No job will be sent.', 'Minion web4 did not respond. No job will be sent.')
            $batch.Total | Should -Be 2
            (Read-SaltFile (Get-BatchStatePath -CacheDir $master.CacheDir -Jid $batch.Jid)).all_minions | Should -Be @('web1', 'web3')
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'is one SaltBatchNoMinions error naming them, with nothing written, when none answers' {
        $master = New-StartMaster -MasterArgs @('--down-minions', ($Web -join ','))
        try {
            Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 1 -PingTimeoutSec 1 -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'SaltBatchNoMinions,SaltBatch.StartSaltBatchCommand'
            $failures[0].Exception.Message | Should -BeLike '*web1, web2, web3, web4 did not respond*'
            Assert-NothingStarted $master -PingSent
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }
}

Describe 'Start-SaltBatch when the master refuses or is down' {
    It 'reports <ErrorId> with the master''s reason and writes nothing' -ForEach @(
        @{ Flag = '--auth-error'; ErrorId = 'SaltBatchAuthenticationFailed'; Reason = '*Authentication error occurred.*' }
        @{ Flag = '--acl-error'; ErrorId = 'SaltBatchAuthorizationFailed'; Reason = '*Authorization error occurred.*' }
        @{ Flag = '--minimum-auth-version', '4'; ErrorId = 'SaltBatchPublishRejected'; Reason = '*"bad load"*sends version 3*minimum_auth_version*' }
    ) {
        $master = New-StartMaster -MasterArgs $Flag
        try {
            Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 1 -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be "$ErrorId,SaltBatch.StartSaltBatchCommand"
            $failures[0].Exception.Message | Should -BeLike $Reason
            Get-NonProbeEvent $master | Should -BeNullOrEmpty
            Get-JobDirectories $master | Should -BeNullOrEmpty
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'ends with SaltMasterUnreachable, writing nothing, when the master is down' {
        $master = New-StartMaster
        Stop-SimulatedMaster $master

        { Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'SaltMasterUnreachable,SaltBatch.StartSaltBatchCommand'
        Get-JobDirectories $master | Should -BeNullOrEmpty
        Test-Path (Join-Path $master.CacheDir 'batch_active.p') | Should -BeFalse
    }
}

Describe 'Start-SaltBatch with a driven master' {
    It 'counts minions that answer at once as done: nothing is marked timeout' {
        $master = New-StartMaster -MasterArgs @('--drive-batches', '--step-ms', '50', '--instant-returns')
        try {
            $final = Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function state.apply -BatchSize 2 |
                Wait-SaltBatch -ConfigPath $master.ConfigPath -TimeoutSec 60

            $final.State | Should -Be 'Complete'
            $final.Completed | Should -Be 4
            $final.Failed | Should -Be 0
            (Get-SaltBatchMinion -ConfigPath $master.ConfigPath $final.Jid).State | Sort-Object -Unique | Should -Be @('Done')
            # Only the ping went through the request server: every sub-batch was dispatched by the master after adoption.
            (Get-MasterJournal $master -Kind 'publish-received').fun | Should -Be @('test.ping')
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'sees every answer to its ping on a master slow to register subscribers (confirms its subscription before publishing)' {
        # The pub socket sends nothing to a new subscriber for 500 ms after accepting it, while the answers come at once.
        $master = New-StartMaster -MasterArgs @('--subscribe-delay-ms', '500')
        try {
            $batch = Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 2 -Framing Prefixed -PingTimeoutSec 60 -WarningVariable warnings

            $batch.Total | Should -Be 4
            $warnings | Should -BeNullOrEmpty
            $ping = @(Get-MasterJournal $master -Kind 'publish-received')[0]
            $confirmed = @(Get-MasterJournal $master -Kind 'event-received' | Where-Object tag -Like 'saltbatch/probe/*')
            $confirmed | Should -Not -BeNullOrEmpty
            # The ping went out only after a probe came back, i.e. after the master relayed to us.
            @(Get-MasterJournal $master -Kind 'subscriber-connected')[0].time | Should -BeLessThan $ping.time
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'starts with the default framing on a <Framing> master that registers subscribers <DelayMs> ms late' -ForEach @(
        @{ Framing = 'prefixed'; DelayMs = 500 }
        @{ Framing = 'bare'; DelayMs = 500 }
        @{ Framing = 'prefixed'; DelayMs = 2000 }
        @{ Framing = 'bare'; DelayMs = 2000 }
    ) {
        $root = Join-Path $TestDrive ("master-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 8))
        $master = Start-SimulatedMaster -Root $root -User $Me -Framing $Framing -ExtraArgs @('--accepted-minions', $Accepted, '--subscribe-delay-ms', "$DelayMs")
        try {
            $batch = Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 2

            $batch.Total | Should -Be 4
            (Wait-MasterJournal $master -Kind 'batch-new-handled').action | Should -Be 'adopted'
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'pipes into Wait-SaltBatch until Complete, and Stop-SaltBatch then says it completed and sends nothing' {
        $master = New-StartMaster -MasterArgs @('--drive-batches', '--step-ms', '50', '--seed', '5')
        try {
            $final = Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 50% |
                Wait-SaltBatch -ConfigPath $master.ConfigPath -TimeoutSec 120

            $final.State | Should -Be 'Complete'
            ($final.Completed + $final.Failed) | Should -Be 4

            Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $final.Jid -Kill -Force -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'SaltBatchAlreadyComplete,SaltBatch.StopSaltBatchCommand'
            $failures[0].Exception.Message | Should -BeLike "*$($final.Jid) already completed*nothing was sent*"
            Get-MasterJournal $master -Kind 'event-received' | Where-Object tag -Like '*/stop' | Should -BeNullOrEmpty
            (Get-MasterJournal $master -Kind 'publish-received').fun | Should -Not -Contain 'saltutil.kill_job'
            (Get-SaltBatch -ConfigPath $master.ConfigPath -Jid $final.Jid).Halted | Should -BeFalse
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'neither loses nor brings back another batch''s index entry while the master adds and retires its own, over many starts' {
        $master = New-StartMaster -MasterArgs @('--index-traffic')
        $stopped = $false
        try {
            $jids = foreach ($i in 1..12) { (Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 1).Jid }
            Stop-SimulatedMaster $master
            $stopped = $true

            $traffic = @(Get-MasterJournal $master -Kind 'index-traffic')
            $traffic.Count | Should -Be 1
            $traffic[0].writes | Should -BeGreaterThan 20 -Because 'the master kept rewriting the index while the batches started'
            $index = Get-ActiveIndex $master
            foreach ($jid in $jids) { $index | Should -Contain $jid }
            # Every other entry is exactly what the master meant the index to hold: nothing lost, nothing resurrected.
            @($index | Where-Object { $_ -notin $jids }) | Should -Be @($traffic[0].live)
        }
        finally {
            if (-not $stopped) { Stop-SimulatedMaster $master }
        }
    }

    It 'lists the batch in the index itself when the master does not adopt it from the new event' {
        $master = New-StartMaster -MasterArgs @('--never-adopt')
        try {
            $batch = Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 1 -Verbose 4>&1 |
                Where-Object { $_ -is [SaltBatch.SaltBatchInfo] -or $_.Message -like 'Added * to *batch_active.p*' }

            @($batch | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] }).Count | Should -Be 1
            @($batch | Where-Object { $_ -isnot [SaltBatch.SaltBatchInfo] }).Count | Should -Be 1
            (Wait-MasterJournal $master -Kind 'batch-new-handled').action | Should -Be 'ignored'
            Get-ActiveIndex $master | Should -Be @(($batch | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] }).Jid)
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'finishes a start stopped (Ctrl+C) after its state is written, and tells the user which batch now runs' {
        # Not adopted from the event, the start waits for the index entry long enough to be stopped inside it.
        $master = New-StartMaster -MasterArgs @('--never-adopt')
        try {
            $module = (Get-SaltBatchModulePath) -replace "'", "''"
            $config = $master.ConfigPath -replace "'", "''"
            $jobs = (Join-Path $master.CacheDir 'jobs') -replace "'", "''"
            # The child's console host is the only listener left once the pipeline stops: its stdout shows it.
            $script = @"
`$runspace = [runspacefactory]::CreateRunspace(`$Host); `$runspace.Open()
`$start = [powershell]::Create(); `$start.Runspace = `$runspace
`$null = `$start.AddScript("Import-Module '$module'; Start-SaltBatch -ConfigPath '$config' -Target 'web*' -Function test.ping -BatchSize 1")
`$null = `$start.BeginInvoke()
`$deadline = [datetime]::UtcNow.AddSeconds(30)
while (-not (Get-ChildItem -LiteralPath '$jobs' -Recurse -Force -Filter .batch.p -ErrorAction Ignore)) {
    if ([datetime]::UtcNow -gt `$deadline) { throw 'no .batch.p within 30 s' }
    Start-Sleep -Milliseconds 10
}
`$start.Stop()
"invocation: `$(`$start.InvocationStateInfo.State)"
"@
            $output = @(Invoke-ChildPwsh -Script $script)

            $index = @(Get-ActiveIndex $master)
            $index.Count | Should -Be 1 -Because 'the stop came after the commit point, so the start was finished'
            $jid = $index[0]
            (Get-SaltBatch -ConfigPath $master.ConfigPath -Jid $jid).State | Should -Be 'Running'
            $output | Should -Contain 'invocation: Stopped'
            @($output | Where-Object { $_ -like "*WARNING: Start-SaltBatch was stopped after batch $jid was written*Stop-SaltBatch -Jid $jid stops it*" }).Count | Should -Be 1
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'starts nothing when stopped (Ctrl+C) while the ping is still being answered' {
        $master = New-StartMaster -MasterArgs @('--down-minions', 'web4')
        $start = [powershell]::Create()
        try {
            $null = $start.AddScript("Import-Module '$((Get-SaltBatchModulePath) -replace "'", "''")'; Start-SaltBatch -ConfigPath '$($master.ConfigPath -replace "'", "''")' -Target 'web*' -Function test.ping -BatchSize 1 -PingTimeoutSec 30")
            $null = $start.BeginInvoke()
            $null = Wait-MasterJournal $master -Kind 'publish-received'

            $start.Stop()

            $start.InvocationStateInfo.State | Should -Be 'Stopped'
            $start.Streams.Warning | Should -BeNullOrEmpty
            Assert-NothingStarted $master -PingSent
        }
        finally {
            $start.Dispose()
            Stop-SimulatedMaster $master
        }
    }

    It 'keeps every new batch in the active index while the master rewrites it continuously' {
        $master = New-StartMaster -MasterArgs @('--index-churn')
        try {
            $jids = foreach ($i in 1..5) { (Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 1).Jid }
            $churnBefore = @(Wait-MasterJournal $master -Kind 'index-churned').Count

            # Adoption (the new event) and the churn are both the master's; once a batch is adopted no rewrite can drop it.
            foreach ($jid in $jids) {
                Wait-MasterJournal $master -Kind 'batch-new-handled' -Where { $_.jid -eq $jid -and $_.action -eq 'adopted' } | Should -Not -BeNullOrEmpty
            }
            $null = Wait-MasterJournal $master -Kind 'index-churned' -Where { $_.writes -gt ($churnBefore + 1) * 100 }

            Get-ActiveIndex $master | Should -Be ($jids | Sort-Object)
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }
}

Describe 'Start-SaltBatch as root for a master that runs as another user' {
    BeforeAll {
        $script:IsRoot = (& id -u) -eq '0'
        $script:MasterUser = 'sbstart' + [guid]::NewGuid().ToString('n').Substring(0, 6)
        if ($IsRoot) {
            & useradd --system --no-create-home --shell /usr/sbin/nologin $MasterUser
            if ($LASTEXITCODE -ne 0) { throw "useradd $MasterUser failed" }
        }
    }
    AfterAll {
        if ($IsRoot) { & userdel $MasterUser }
    }

    It 'gives the job directory, jid file, .batch.p and batch_active.p to the master''s user, with the master''s modes' {
        if (-not $IsRoot) { Set-ItResult -Skipped -Because 'giving files to another user needs root (CI runs as root)'; return }
        $master = New-StartMaster -User $MasterUser
        # The master's cache, its key files included, is its own, as a master makes it.
        & chown -R "${MasterUser}:" $master.CacheDir
        try {
            $batch = Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 1

            $statePath = Get-BatchStatePath -CacheDir $master.CacheDir -Jid $batch.Jid
            $jobDir = Split-Path $statePath
            $owned = "$MasterUser $(& id -gn $MasterUser)"
            & stat -c '%U %G %a' (Join-Path $master.CacheDir 'jobs') | Should -Be "$owned 755"
            & stat -c '%U %G %a' (Split-Path $jobDir) | Should -Be "$owned 755"
            & stat -c '%U %G %a' $jobDir | Should -Be "$owned 755"
            & stat -c '%U %G %a' (Join-Path $jobDir 'jid') | Should -Be "$owned 644"
            & stat -c '%U %G %a' $statePath | Should -Be "$owned 600"
            & stat -c '%U %G %a' (Join-Path $master.CacheDir 'batch_active.p') | Should -Be "$owned 600"
            Get-ChildItem -Force -LiteralPath $jobDir -Filter '.___atomic_write*' | Should -BeNullOrEmpty
            # The simulated manager reads .batch.p as the master's user would, and adopts it.
            (Wait-MasterJournal $master -Kind 'batch-new-handled').action | Should -Be 'adopted'

            # An index the master already has keeps its owner and mode (here a group-readable one) when rewritten.
            $index = Join-Path $master.CacheDir 'batch_active.p'
            & chmod 640 $index
            $second = Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'db*' -Function test.ping -BatchSize 1
            & stat -c '%U %G %a' $index | Should -Be "$owned 640"
            Get-ActiveIndex $master | Should -Be (@($batch.Jid, $second.Jid) | Sort-Object)
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }
}

Describe 'Start-SaltBatch on a cache that cannot take the batch' {
    BeforeAll {
        $script:IsRoot = (& id -u) -eq '0'
    }
    BeforeEach {
        if (-not $IsRoot) { Set-ItResult -Skipped -Because 'a full or read-only cache is made with a tmpfs mount, which needs root (CI runs as root)'; return }
        $script:Master = New-StartMaster
        # jobs/ on a file system of its own: 16 KiB, as small as a full disk is for the next file.
        $script:Jobs = Join-Path $Master.CacheDir 'jobs'
        $null = New-Item -ItemType Directory -Path $Jobs
        & mount -t tmpfs -o size=16k tmpfs $Jobs
        if ($LASTEXITCODE -ne 0) { throw "mount tmpfs on $Jobs failed" }
    }
    AfterEach {
        if ($IsRoot) {
            & umount $Jobs
            Stop-SimulatedMaster $Master
        }
    }

    It 'is SaltBatchCacheWriteFailed on a full disk, and undoes the job directory it had made' {
        # Three of the four pages taken: the jid file still fits, .batch.p no longer does.
        [IO.File]::WriteAllBytes((Join-Path $Jobs 'fill'), [byte[]]::new(12288))

        { Start-SaltBatch -ConfigPath $Master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'SaltBatchCacheWriteFailed,SaltBatch.StartSaltBatchCommand' -PassThru |
            ForEach-Object {
                $_.CategoryInfo.Category | Should -Be 'WriteError'
                $_.Exception.Message | Should -BeLike '*.batch.p*free space*Nothing was started: the job directory was removed again.*'
            }
        @(Get-ChildItem -Force -Path $Jobs -Directory | Get-ChildItem -Force) | Should -BeNullOrEmpty
        Test-Path (Join-Path $Master.CacheDir 'batch_active.p') | Should -BeFalse
        Get-NonProbeEvent $Master | Where-Object tag -Like 'salt/batch/*' | Should -BeNullOrEmpty
    }

    It 'is SaltBatchCacheWriteFailed on a read-only cache, with nothing written' {
        & mount -o remount,ro $Jobs
        if ($LASTEXITCODE -ne 0) { throw "remount read-only of $Jobs failed" }

        { Start-SaltBatch -ConfigPath $Master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'SaltBatchCacheWriteFailed,SaltBatch.StartSaltBatchCommand' -PassThru |
            ForEach-Object { $_.Exception.Message | Should -BeLike '*Read-only file system*writable*' }
        @(Get-ChildItem -Force -Path $Jobs) | Should -BeNullOrEmpty
        Test-Path (Join-Path $Master.CacheDir 'batch_active.p') | Should -BeFalse
    }
}

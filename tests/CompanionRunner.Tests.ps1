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

Describe 'The companion runner''s saltbatch.start' {
    BeforeAll {
        $script:Peers = Join-Path $PSScriptRoot 'peers'
        $script:Me = (& id -un)
        $script:Runner = Join-Path $PSScriptRoot '../src/salt/_runners/saltbatch.py'
        $script:AllAnswer = '{"web1": true, "web2": true, "web3": true, "web4": true, "db1": true}'
        $script:RunnerRule = @{ '@runner' = @('saltbatch\..*') }

        function script:Invoke-Start {
            # saltbatch.start as salt-api calls it for alice, on a fresh cache; its JSON answer, exit code and cache.
            param([hashtable] $Kwargs, [object[]] $Rules, [string] $Minions = $AllAnswer, [string] $Tokens = '[{"name": "alice", "eauth": "pam"}]', [hashtable] $Options = @{})
            $cache = Join-Path $TestDrive ('start-' + [guid]::NewGuid().ToString('n').Substring(0, 8))
            $null = New-Item -ItemType Directory -Path $cache
            $events = Join-Path $cache 'events.jsonl'
            $optionArgs = @('--opt', ('external_auth=' + (@{ pam = @{ alice = $Rules } } | ConvertTo-Json -Depth 10 -Compress)))
            foreach ($option in $Options.GetEnumerator()) { $optionArgs += @('--opt', "$($option.Key)=$($option.Value | ConvertTo-Json -Depth 5 -Compress)") }
            $output = & $Python (Join-Path $Peers 'runner_standin.py') --user alice --minions $Minions --tokens $Tokens --events $events @optionArgs `
                --kwargs ($Kwargs | ConvertTo-Json -Depth 10 -Compress) $Runner $cache sha256 start 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Answer = ($output | Out-String) | ConvertFrom-Json -AsHashtable; Cache = $cache; Events = $events }
        }

        function script:Get-NormalisedStateHex([string] $Path) {
            # .batch.p re-packed by python3-msgpack with the JID, the times and the user (which differ by design) fixed.
            $code = "import sys; sys.path.insert(0, sys.argv[1]); from salt_payload import salt_loads, salt_dumps`n" +
                "s = salt_loads(open(sys.argv[2], 'rb').read())`n" +
                "s.update(jid='J', created=0.0, last_progress=0.0, user='U')`n" +
                "print(salt_dumps(s).hex())"
            & $Python -c $code $Peers $Path
        }
    }

    It 'writes, for a user whose rules allow it, the batch a local Start-SaltBatch writes, byte for byte but for its JID, times and user' {
        $kwargs = @{ tgt = 'web*'; job_fun = 'state.apply'; job_arg = @('nginx'); job_kwarg = @{ test = $true }; batch = '2' }
        $started = Invoke-Start -Kwargs $kwargs -Rules @($RunnerRule, 'test.ping', @{ 'web*' = @('state.apply') })

        $started.ExitCode | Should -Be 0 -Because ($started.Answer | ConvertTo-Json -Compress)
        $started.Answer.user | Should -Be 'alice'
        $started.Answer.total | Should -Be 4
        $started.Answer.down | Should -BeNullOrEmpty
        $fromRunner = Get-BatchStatePath -CacheDir $started.Cache -Jid $started.Answer.jid
        Get-Content -Raw -LiteralPath (Join-Path (Split-Path $fromRunner) 'jid') | Should -BeExactly $started.Answer.jid
        Read-SaltFile (Join-Path $started.Cache 'batch_active.p') | Should -Be $started.Answer.jid
        $new = Get-Content -LiteralPath $started.Events | ConvertFrom-Json -AsHashtable
        $new.tag | Should -Be "salt/batch/$($started.Answer.jid)/new"
        $new.data.Keys | Should -Not -Contain 'state'

        # The same batch started locally, on a master that leaves its state as written.
        $master = Start-SimulatedMaster -Root (Join-Path $TestDrive 'local-master') -User $Me -ExtraArgs @('--accepted-minions', 'web1,web2,web3,web4,db1', '--never-adopt')
        try {
            $local = Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function state.apply -ArgumentList 'nginx' -Kwarg @{ test = $true } -BatchSize 2 -WarningAction SilentlyContinue
            $runnerBytes = Get-NormalisedStateHex $fromRunner
            $runnerBytes | Should -Match '^(83|de|df)[0-9a-f]{200,}$'
            $runnerBytes | Should -Be (Get-NormalisedStateHex (Get-BatchStatePath -CacheDir $master.CacheDir -Jid $local.Jid))
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'leaves out the minions that do not answer, and names them' {
        $started = Invoke-Start -Kwargs @{ tgt = 'web*'; job_fun = 'test.echo'; batch = '50%' } -Rules @($RunnerRule, 'test.*') -Minions '{"web1": true, "web2": false, "web3": true}'

        $started.Answer.down | Should -Be @('web2')
        (Read-SaltFile (Get-BatchStatePath -CacheDir $started.Cache -Jid $started.Answer.jid)).pending | Should -Be @('web1', 'web3')
        $started.Answer.batch_size | Should -Be 1
    }

    It 'refuses, writing and firing nothing, a start when <Case>' -ForEach @(
        @{ Case = 'the function is not allowed'; Rules = @(@{ '@runner' = @('saltbatch\..*') }, 'test.ping'); Expected = "alice's external_auth rules*do not allow state.apply*" }
        @{ Case = 'a targeted minion is not allowed'; Rules = @(@{ '@runner' = @('saltbatch\..*') }, 'test.ping', @{ 'web1' = @('state.apply') }); Expected = "*do not allow state.apply*glob target 'web*'*" }
        @{ Case = 'test.ping is not allowed'; Rules = @(@{ '@runner' = @('saltbatch\..*') }, @{ 'web*' = @('state.apply') }); Expected = '*do not allow test.ping*' }
        @{ Case = 'the arguments do not match the rule'; Rules = @(@{ '@runner' = @('saltbatch\..*') }, 'test.ping', @{ 'web*' = @(@{ 'state.apply' = @{ args = @('apache') } }) }); Expected = "*do not allow state.apply with 'nginx'*" }
        @{ Case = 'the function is blacklisted'; Rules = @(@{ '@runner' = @('saltbatch\..*') }, '.*'); Options = @{ publisher_acl_blacklist = @{ modules = @('state.*') } }; Expected = '*state.apply is in the master''s publisher_acl_blacklist*' }
        @{ Case = 'the user has no live token and no backend is pinned'; Rules = @(@{ '@runner' = @('saltbatch\..*') }, '.*'); Tokens = '[{"name": "bob", "eauth": "pam"}]'; Expected = '*alice has no live salt-api token*saltbatch: {eauth:*' }
    ) {
        $parameters = @{ Kwargs = @{ tgt = 'web*'; job_fun = 'state.apply'; job_arg = @('nginx'); batch = '2' }; Rules = $Rules }
        if ($_.ContainsKey('Options')) { $parameters.Options = $_.Options }
        if ($_.ContainsKey('Tokens')) { $parameters.Tokens = $_.Tokens }
        $started = Invoke-Start @parameters

        $started.ExitCode | Should -Be 1
        $started.Answer.kind | Should -Be 'AccessDenied'
        $started.Answer.error | Should -BeLike $Expected
        Test-Path (Join-Path $started.Cache 'jobs') | Should -BeFalse
        Test-Path (Join-Path $started.Cache 'batch_active.p') | Should -BeFalse
        Test-Path $started.Events | Should -BeFalse
    }

    It 'needs every live token of the caller to allow it (their groups were captured at each login), and without one a backend the admin pinned' {
        $rules = @($RunnerRule, 'test.ping')
        $groupRules = @{ pam = @{ alice = $rules; 'ops%' = @('state.apply') } } | ConvertTo-Json -Depth 10 -Compress
        $kwargs = @{ tgt = 'web*'; job_fun = 'state.apply'; batch = '1' }
        $ops = Invoke-Start -Kwargs $kwargs -Rules $rules -Tokens '[{"name": "alice", "eauth": "pam", "groups": ["ops"]}]' -Options @{ external_auth = ($groupRules | ConvertFrom-Json -AsHashtable) }
        $ops.ExitCode | Should -Be 0 -Because ($ops.Answer | ConvertTo-Json -Compress)

        $mixed = Invoke-Start -Kwargs $kwargs -Rules $rules -Tokens '[{"name": "alice", "eauth": "pam", "groups": ["ops"]}, {"name": "alice", "eauth": "pam", "groups": []}]' -Options @{ external_auth = ($groupRules | ConvertFrom-Json -AsHashtable) }
        $mixed.ExitCode | Should -Be 1
        $mixed.Answer.error | Should -BeLike '*(token of eauth pam) do not allow state.apply*'

        $pinned = Invoke-Start -Kwargs $kwargs -Rules @($RunnerRule, 'test.ping', 'state.apply') -Tokens '[]' -Options @{ saltbatch = @{ eauth = @('pam') } }
        $pinned.ExitCode | Should -Be 0 -Because ($pinned.Answer | ConvertTo-Json -Compress)
        $pinned.Answer.user | Should -Be 'alice'
    }

    It 'refuses the master''s own user from anywhere but a local salt-run (a minion''s peer_run) and the reactor' {
        foreach ($caller in 'root', 'Reactor') {
            $output = & $Python (Join-Path $Peers 'runner_standin.py') --user $caller --minions $AllAnswer --kwargs '{"tgt": "web*", "job_fun": "test.ping", "batch": "1"}' $Runner (Join-Path $TestDrive "peer-$caller") sha256 start 2>&1
            $LASTEXITCODE | Should -Be 1
            ($output | Out-String) | Should -Match "does not start batches for $caller"
        }
        $output = & $Python (Join-Path $Peers 'runner_standin.py') --user root --cli --minions $AllAnswer --kwargs '{"tgt": "web*", "job_fun": "test.ping", "batch": "1"}' $Runner (Join-Path $TestDrive 'salt-run') sha256 start 2>&1
        $LASTEXITCODE | Should -Be 0
        ($output | Out-String | ConvertFrom-Json).user | Should -Be 'root'
    }

    It 'refuses a keyword it does not take, naming the ones it does, and ignores the __pub_ keys a client could forge' {
        $typo = Invoke-Start -Kwargs @{ tgt = 'web*'; job_fun = 'test.ping'; batch = '1'; job_timout = 60 } -Rules @($RunnerRule, 'test.*')
        $typo.ExitCode | Should -Be 1
        $typo.Answer.error | Should -BeLike '*takes no job_timout; it takes tgt, job_fun, batch*'

        $forged = Invoke-Start -Kwargs @{ tgt = 'web*'; job_fun = 'test.ping'; batch = '1'; __pub_user = 'root' } -Rules @($RunnerRule, 'test.*')
        $forged.ExitCode | Should -Be 0
        $forged.Answer.user | Should -Be 'alice'
    }
}

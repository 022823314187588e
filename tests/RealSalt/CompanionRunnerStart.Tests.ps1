# saltbatch.start, the companion runner's one function that writes, against GENUINE Salt (../shared/real-salt/): for
# each kind of external_auth rule the runner starts a batch exactly when the genuine master lets the same user make
# the same publish through salt-api's local_async, and a start it allows is driven to completion by the genuine
# BatchManager and seen from a workstation as the local cmdlets see it. Skipped, with the reason, where no Salt
# source tree is found ($SALT_SOURCE, else /opt/salt-src).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'RealSalt.psm1') -Force
    $script:RealSalt = Find-RealSalt

    $runner = @{ '@runner' = @('saltbatch\..*') }
    # One row per rule kind: who asks, for what, and what the genuine master answers that user's own publish.
    $script:Cases = @(
        @{ Kind = 'name'; User = 'carol'; Fun = 'test.echo'; Arg = @('hi'); Tgt = 'node*'; Allowed = $true }
        @{ Kind = 'group%'; User = 'erin'; Fun = 'test.echo'; Arg = @('hi'); Tgt = 'node*'; Allowed = $true }
        @{ Kind = '* (nobody else''s rule)'; User = 'dave'; Fun = 'test.echo'; Arg = @('hi'); Tgt = 'node*'; Allowed = $true }
        @{ Kind = 'minion glob'; User = 'frank'; Fun = 'test.echo'; Arg = @('hi'); Tgt = 'node1'; Allowed = $true }
        @{ Kind = 'minion glob, nodegroup target'; User = 'frank'; Fun = 'test.echo'; Arg = @('hi'); Tgt = 'first'; TgtType = 'nodegroup'; Allowed = $true }
        @{ Kind = 'a target the user may not touch'; User = 'frank'; Fun = 'test.echo'; Arg = @('hi'); Tgt = 'node*'; Allowed = $false }
        @{ Kind = 'a compound target reaching past the rule'; User = 'frank'; Fun = 'test.echo'; Arg = @('hi'); Tgt = 'node1 or node2'; TgtType = 'compound'; Allowed = $false }
        @{ Kind = 'argument rule, matching'; User = 'gina'; Fun = 'test.echo'; Arg = @('hello world'); Tgt = 'node*'; Allowed = $true }
        @{ Kind = 'argument rule, not matching'; User = 'gina'; Fun = 'test.echo'; Arg = @('goodbye'); Tgt = 'node*'; Allowed = $false }
        @{ Kind = 'keyword rule, matching'; User = 'gina'; Fun = 'test.arg'; Kwarg = @{ mode = 'safe' }; Tgt = 'node*'; Allowed = $true }
        @{ Kind = 'keyword rule, not matching'; User = 'gina'; Fun = 'test.arg'; Kwarg = @{ mode = 'fast' }; Tgt = 'node*'; Allowed = $false }
        @{ Kind = 'publisher_acl_blacklist'; User = 'heidi'; Fun = 'cmd.run'; Arg = @('true'); Tgt = 'node*'; Allowed = $false }
        @{ Kind = 'a function the user may not run'; User = 'carol'; Fun = 'grains.items'; Tgt = 'node*'; Allowed = $false }
        @{ Kind = 'test.ping not allowed'; User = 'ivan'; Fun = 'test.echo'; Arg = @('hi'); Tgt = 'node*'; Allowed = $false }
    )
    foreach ($case in $Cases) {
        foreach ($default in @{ TgtType = 'glob'; Arg = @(); Kwarg = @{} }.GetEnumerator()) {
            if (-not $case.ContainsKey($default.Key)) { $case[$default.Key] = $default.Value }
        }
    }
    $script:Rules = @{
        # carol also follows her batches (Wait-SaltBatch: batch.status); the others have saltbatch.* alone.
        carol  = @(@{ '@runner' = @('saltbatch\..*', 'batch\..*') }, 'test.*')
        'ops%' = @($runner, 'test.*')
        '*'    = @($runner, 'test.ping', 'test.echo')
        frank  = @($runner, 'test.ping', @{ node1 = @('test.echo') })
        gina   = @($runner, 'test.ping', @{ 'node*' = @(@{ 'test.echo' = @{ args = @('hello.*') } }, @{ 'test.arg' = @{ kwargs = @{ mode = 'safe' } } }) })
        heidi  = @($runner, '.*')
        ivan   = @($runner, @{ 'node*' = @('test.echo') })
    }
}

Describe 'saltbatch.start on a genuine Salt master' -Tag 'RealSalt' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
        Import-Module (Join-Path $PSScriptRoot 'RealSalt.psm1') -Force
        $script:Found = Find-RealSalt
        $script:Salt = $null
        if (-not $Found.Available) { return }

        Import-SaltBatchModule | Out-Null
        # Genuine Salt's file backend has no groups: a test backend (sbtest) does, loaded from module_dirs.
        $script:Setup = Join-Path '/tmp' ('sbst.' + [guid]::NewGuid().ToString('n').Substring(0, 8))
        $null = New-Item -ItemType Directory -Path (Join-Path $Setup 'runners')
        Copy-Item -Recurse -LiteralPath (Join-Path $PSScriptRoot 'eauth') -Destination (Join-Path $Setup 'modules')
        $script:Passwords = @{}
        $users = [ordered]@{}
        foreach ($name in 'carol', 'dave', 'erin', 'frank', 'gina', 'heidi', 'ivan') {
            $Passwords[$name] = "pw-$name"
            $users[$name] = @{ password = "pw-$name"; groups = @(if ($name -eq 'erin') { 'ops' }) }
        }
        $users | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath (Join-Path $Setup 'users.json')
        # An include replaces the master's external_auth as a whole (Salt merges includes shallowly): saltreal.sh's own
        # file user alice, by whom it knows salt-api is up, is kept in a file of ours.
        Set-Content -LiteralPath (Join-Path $Setup 'file_users.txt') -Value 'alice:S3cret-Pw!'
        $fileBackend = [ordered]@{ '^filename' = "$Setup/file_users.txt"; '^filetype' = 'text'; '^hashtype' = 'plaintext'; alice = @('@runner', '@jobs', '.*') }
        @{ external_auth = @{ sbtest = $Rules; file = $fileBackend } } | ConvertTo-Json -Depth 12 | Set-Content -LiteralPath (Join-Path $Setup 'auth.conf')
        $script:Salt = Start-RealSalt $Found -Minions 3 -Api -MasterOption @(
            "include: $Setup/auth.conf"
            "module_dirs: ['$Setup/modules']"
            "sbtest_users: $Setup/users.json"
            "runner_dirs: ['$Setup/runners']"
            "publisher_acl_blacklist: {modules: ['cmd.*']}"
            'saltbatch: {return_readers: [carol]}'
            "nodegroups: {first: 'L@node1'}")
        $null = Install-SaltBatchRunner -ConfigPath $Salt.config -Destination RunnerDirs -Confirm:$false
        $script:PreviousConfig = $env:SALT_MASTER_CONFIG
        $env:SALT_MASTER_CONFIG = $Salt.config

        function script:Get-ApiToken([string] $User) {
            $login = Invoke-RestMethod -Method Post -Uri "$($Salt.api)/login" -ContentType 'application/json' -Headers @{ Accept = 'application/json' } `
                -Body (@{ username = $User; password = $Passwords[$User]; eauth = 'sbtest' } | ConvertTo-Json)
            $login.return[0].token
        }

        function script:Invoke-Api([string] $Token, [hashtable] $Low) {
            # The genuine salt-api's answer: the HTTP status and the first return (null when salt-api refused it).
            $answer = Invoke-RestMethod -Method Post -Uri $Salt.api -ContentType 'application/json' -SkipHttpErrorCheck -StatusCodeVariable status `
                -Headers @{ Accept = 'application/json'; 'X-Auth-Token' = $Token } -Body (ConvertTo-Json -InputObject @($Low) -Depth 10)
            [pscustomobject]@{ Status = $status; Return = if ($status -eq 200) { $answer.return[0] } }
        }

        function script:Get-BatchJids { @(Get-SaltBatch -ErrorAction Stop | ForEach-Object Jid) }
    }

    AfterAll {
        if ($Found.Available) {
            $env:SALT_MASTER_CONFIG = $PreviousConfig
            Get-SaltMasterConnection -ErrorAction SilentlyContinue | Disconnect-SaltMaster -ErrorAction SilentlyContinue
        }
        Stop-RealSalt $Salt
        if ($Found.Available) { Remove-Item -LiteralPath $Setup -Recurse -Force -ErrorAction SilentlyContinue }
    }

    BeforeEach {
        if (-not $Found.Available) { Set-ItResult -Skipped -Because $Found.Reason }
    }

    It 'allows a start exactly when the genuine master allows the same user the ping and the job through local_async: <Kind>' -ForEach $Cases {
        $token = Get-ApiToken $User
        $type = $TgtType
        $jobArg = @($Arg)
        $jobKwarg = $Kwarg

        # The genuine master's verdict on the user's own publishes, which the batch flow makes: test.ping, then the job.
        $ping = Invoke-Api $token @{ client = 'local_async'; tgt = $Tgt; tgt_type = $type; fun = 'test.ping' }
        $job = Invoke-Api $token @{ client = 'local_async'; tgt = $Tgt; tgt_type = $type; fun = $Fun; arg = $jobArg; kwarg = $jobKwarg }
        $master = ($ping.Status -eq 200 -and $ping.Return.jid) -and ($job.Status -eq 200 -and $job.Return.jid)
        $master | Should -Be $Allowed -Because "the genuine master answers $User's test.ping with $($ping.Status) and $Fun with $($job.Status)"

        $before = Get-BatchJids
        $start = Invoke-Api $token @{
            client = 'runner'; fun = 'saltbatch.start'; tgt = $Tgt; tgt_type = $type; job_fun = $Fun; job_arg = $jobArg
            job_kwarg = $jobKwarg; batch = '3'; job_timeout = 60; ping_timeout = 10
        }
        $start.Status | Should -Be 200
        $runnerAllowed = $null -ne $start.Return.PSObject.Properties['jid']
        $runnerAllowed | Should -Be $master -Because "saltbatch.start answered $(ConvertTo-Json $start.Return -Compress -Depth 5)"
        if ($runnerAllowed) {
            $start.Return.user | Should -Be $User
            @(Get-BatchJids) | Should -Contain $start.Return.jid
            Wait-SaltBatch -Jid $start.Return.jid -TimeoutSec 60 -ErrorAction Stop | ForEach-Object State | Should -Be 'Complete'
        }
        else {
            $start.Return.kind | Should -Be 'AccessDenied'
            $start.Return.error | Should -BeLike "*$(if ($Kind -eq 'publisher_acl_blacklist') { 'publisher_acl_blacklist' } else { "$User's external_auth rules" })*"
            @(Get-BatchJids) | Should -Be $before -Because 'a refused start writes nothing'
        }
    }

    It 'starts from a workstation, through the genuine salt-api, a batch the genuine BatchManager completes, lists its minions, relaunches it and finds both in the history' {
        # erin has '@runner': ['saltbatch\..*'] and no other runner: starting, the minions and the history are the
        # companion runner's alone.
        $erin = [pscredential]::new('erin', (ConvertTo-SecureString $Passwords.erin -AsPlainText -Force))
        $null = Connect-SaltMaster -Uri $Salt.api -Credential $erin -EAuth sbtest -Name 'real-erin' -WarningAction SilentlyContinue
        $carol = [pscredential]::new('carol', (ConvertTo-SecureString $Passwords.carol -AsPlainText -Force))
        $null = Connect-SaltMaster -Uri $Salt.api -Credential $carol -EAuth sbtest -Name 'real-start' -WarningAction SilentlyContinue

        $batch = Start-SaltBatch -Target 'node*' -Function test.echo -ArgumentList 'from the workstation' -BatchSize 2 -JobTimeoutSec 60 -PingTimeoutSec 10 -Master real-erin -ErrorAction Stop
        $batch.Master | Should -Be 'real-erin'
        $batch.User | Should -Be 'erin'
        $batch.Total | Should -Be 3
        # erin has no batch runner to follow it with; carol, who has, follows it through salt-api.
        (Wait-SaltBatch -Jid $batch.Jid -Master real-start -TimeoutSec 60 -ErrorAction Stop).State | Should -Be 'Complete'

        $remote = @(Get-SaltBatchMinion -Jid $batch.Jid -Master real-erin -IncludeReturn)
        $local = @(Get-SaltBatchMinion -Jid $batch.Jid -IncludeReturn)
        $format = { "$($_.Minion) $($_.State) $($_.Outcome) $($_.Retcode) $($_.Return)" }
        @($remote | ForEach-Object $format) | Should -Be @($local | ForEach-Object $format)
        @($remote | Sort-Object Minion | ForEach-Object $format) | Should -Be @('node1 Done Succeeded 0 from the workstation', 'node2 Done Succeeded 0 from the workstation', 'node3 Done Succeeded 0 from the workstation')
        @(Get-SaltBatch -Master real-erin).Jid | Should -Contain $batch.Jid

        # carol relaunches erin's batch on one minion: its launch, read through saltbatch.launch, is hers to read as a
        # return reader the admin named; the new batch is checked against carol's own rules and is hers.
        $again = Restart-SaltBatch -Jid $batch.Jid -Master real-start -Outcome Succeeded -Minion node1 -PingTimeoutSec 10 -ErrorAction Stop
        $again.User | Should -Be 'carol'
        $again.Master | Should -Be 'real-start'
        $again.RelaunchOf | Should -Be $batch.Jid
        $again.Total | Should -Be 1
        (Wait-SaltBatch -Jid $again.Jid -Master real-start -TimeoutSec 60 -ErrorAction Stop).State | Should -Be 'Complete'
        $relaunched = Read-RealBatchState $Salt $again.Jid
        $relaunched.launch.saltbatch_relaunch_of | Should -Be $batch.Jid
        $relaunched.summary.tgt | Should -Be @('node1')
        @(Get-SaltBatchMinion -Jid $again.Jid -Master real-start -IncludeReturn | ForEach-Object $format) | Should -Be @('node1 Done Succeeded 0 from the workstation')
        @(Get-SaltBatch -Master real-start).Jid | Should -Contain $again.Jid

        # What the runner wrote is what a local Start-SaltBatch writes for the same batch, key for key in Salt's order.
        $here = Start-SaltBatch -Target 'node*' -Function test.echo -ArgumentList 'from the workstation' -BatchSize 2 -JobTimeoutSec 60 -PingTimeoutSec 10 -ErrorAction Stop
        $null = Wait-SaltBatch -Jid $here.Jid -TimeoutSec 60 -ErrorAction Stop
        $fromRunner = Read-RealBatchState $Salt $batch.Jid
        $fromHere = Read-RealBatchState $Salt $here.Jid
        $fromRunner.keys | Should -Be $fromHere.keys
        $fromRunner.keys | Should -HaveCount 24
        ConvertTo-Json -Compress -Depth 8 $fromRunner.launch | Should -Be (ConvertTo-Json -Compress -Depth 8 $fromHere.launch)
        $written = { param($summary) 'fun', 'tgt', 'tgt_type', 'total', 'batch_size', 'driver' | ForEach-Object { "$_=$($summary[$_])" } }
        (& $written $fromRunner.summary) | Should -Be (& $written $fromHere.summary)
        $fromRunner.summary.user | Should -Be 'erin'
        $fromRunner.launch.timeout | Should -Be 60
    }

    It 'refuses from a workstation a start the user may not make, with SaltApiAccessDenied naming the rule, and writes nothing' {
        $frank = [pscredential]::new('frank', (ConvertTo-SecureString $Passwords.frank -AsPlainText -Force))
        $null = Connect-SaltMaster -Uri $Salt.api -Credential $frank -EAuth sbtest -Name 'real-frank' -WarningAction SilentlyContinue
        $before = Get-BatchJids

        { Start-SaltBatch -Target 'node*' -Function test.echo -ArgumentList 'hi' -BatchSize 1 -Master real-frank -ErrorAction Stop } |
            Should -Throw -ErrorId 'SaltApiAccessDenied,SaltBatch.StartSaltBatchCommand' -ExpectedMessage "*frank's external_auth rules*do not allow test.echo*glob target 'node*'*"
        Get-BatchJids | Should -Be $before
    }
}

# What became of each minion of a batch, end to end: a job directory written by the python3-msgpack peer as a master
# leaves it after a state.apply batch that halted on failhard, with one minion of every outcome (peers/job_cache_peer.py).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule

    $script:Python = Get-PeerPython
    $script:OutcomeJid = '20240611090000000000'
    $script:Cache = Join-Path $TestDrive 'cache'
    $written = & $Python (Join-Path $PSScriptRoot 'peers/job_cache_peer.py') outcome-batch $Cache sha256 $OutcomeJid | ConvertFrom-Json
    if ($LASTEXITCODE) { throw "job_cache_peer.py failed ($LASTEXITCODE)" }
    $script:JobDir = $written.jobDir
}

Describe 'Outcomes of a batch with every kind of minion' {
    It 'counts Succeeded and Unsuccessful beside the runner''s fields, which stay as they are' {
        $batch = Get-SaltBatch -CacheDir $Cache -Jid $OutcomeJid

        $batch.Total, $batch.Completed, $batch.Failed, $batch.Active, $batch.Pending | Should -Be @(9, 4, 3, 1, 1)
        $batch.Succeeded | Should -Be 2
        $batch.Unsuccessful | Should -Be 5
        $batch.State | Should -Be 'Halted'
    }

    It 'shows Unsuccessful in the table a person reads' {
        $table = Get-SaltBatch -CacheDir $Cache -Jid $OutcomeJid | Format-Table | Out-String -Width 200

        $lines = $table -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match 'Failed\s+Unsuccessful'
        $lines[2] | Should -Match '\b3\s+5\s+Halted:failhard'
    }

    It 'gives each minion the outcome a Salt admin would call it' {
        $outcomes = Get-SaltBatchMinion -CacheDir $Cache -Jid $OutcomeJid | ForEach-Object { "$($_.Minion)=$($_.Outcome)" }

        $outcomes | Sort-Object | Should -Be @(
            'changed1=Succeeded', 'flagged1=Failed', 'ok1=Succeeded', 'render1=Failed', 'run1=Abandoned',
            'slow1=TimedOut', 'slow2=TimedOut', 'statefail1=Failed', 'wait1=NotStarted')
    }

    It 'lists exactly the unsuccessful minions with -Outcome Failed, TimedOut, as many as Unsuccessful says' {
        $unsuccessful = Get-SaltBatchMinion -CacheDir $Cache -Jid $OutcomeJid -Outcome Failed, TimedOut

        $unsuccessful.Minion | Sort-Object | Should -Be @('flagged1', 'render1', 'slow1', 'slow2', 'statefail1')
        $unsuccessful.Count | Should -Be (Get-SaltBatch -CacheDir $Cache -Jid $OutcomeJid).Unsuccessful
    }
}

Describe 'Returns and state summaries of a batch with every kind of minion (-IncludeReturn)' {
    BeforeAll {
        $script:ByMinion = @{}
        Get-SaltBatchMinion -CacheDir $Cache -Jid $OutcomeJid -IncludeReturn | ForEach-Object { $ByMinion[$_.Minion] = $_ }
    }

    It 'sums up each state run as Salt''s highstate output does: <Minion> succeeded <Succeeded>, changed <Changed>, failed <Failed>' -ForEach @(
        @{ Minion = 'ok1'; Succeeded = 3; Changed = 0; Failed = 0 }
        @{ Minion = 'changed1'; Succeeded = 3; Changed = 1; Failed = 0 }
        @{ Minion = 'statefail1'; Succeeded = 1; Changed = 1; Failed = 2 }
        @{ Minion = 'slow1'; Succeeded = 1; Changed = 0; Failed = 0 }
    ) {
        $minion = $ByMinion[$Minion]
        $minion.StatesSucceeded, $minion.StatesChanged, $minion.StatesFailed | Should -Be @($Succeeded, $Changed, $Failed)
        $minion.Outputter | Should -Be 'highstate'
    }

    It 'lists the failed states of a minion in run order, with id, function, name, comment and duration' {
        $failed = $ByMinion['statefail1'].FailedStates

        $failed.Id | Should -Be @('nginx-conf', 'nginx-svc')
        $failed.Function | Should -Be @('file.managed', 'service.running')
        $failed.Name | Should -Be @('/etc/nginx/nginx.conf', 'nginx')
        $failed[0].Comment | Should -Be "Source file salt://web/nginx.conf not found in saltenv 'base'"
        $failed[1].Comment | Should -Be 'One or more requisite failed: web.nginx-conf'
        $failed.DurationMs | Should -Be @(5.5, 0.0)
        $failed[0].Minion | Should -Be 'statefail1'
        $table = $failed | Format-Table | Out-String -Width 160
        $table | Should -Match 'Minion: statefail1'
        $table | Should -Match 'nginx-conf\s+file\.managed\s+/etc/nginx/nginx\.conf\s+5\.5 ms\s+Source file'
    }

    It 'gives the rendering errors of an SLS that did not compile, and no state counts' {
        $ByMinion['render1'].StateErrors | Should -Be @("Rendering SLS 'base:web' failed: Jinja variable 'port' is undefined")
        $ByMinion['render1'].StatesSucceeded | Should -BeNullOrEmpty
    }

    It 'reads the return of a failed: true minion from the job cache, where alone it is' {
        $ByMinion['flagged1'].Return | Should -BeLike 'The minion function caused an exception*'
        $ByMinion['flagged1'].Outputter | Should -Be 'nested'
        $ByMinion['flagged1'].LateReturn | Should -BeFalse
    }

    It 'marks the return of a timed-out minion that came after the batch gave up as late (old-format return.p)' {
        $ByMinion['slow1'].LateReturn | Should -BeTrue
        $ByMinion['slow1'].Return.Keys | Should -Be @('pkg_|-nginx_|-nginx_|-installed')
        $ByMinion['slow2'].LateReturn | Should -BeFalse
        $ByMinion['slow2'].Return | Should -BeNullOrEmpty
    }

    It 'shows the highstate summary line in the minion table' {
        $table = $ByMinion.Values | Sort-Object Minion | Format-Table | Out-String -Width 200

        $table | Should -Match 'statefail1\s+Done\s+2\s+Failed\s+Succeeded: 1 \(changed=1\) Failed: 2'
        $table | Should -Match 'slow1\s+Failed\s+TimedOut\s+timeout\s+late Succeeded: 1 \(changed=0\) Failed: 0'
        $table | Should -Match 'render1\s+Done\s+1\s+Failed\s+Data failed to compile'
    }

    It 'reads no return and sums up no states without -IncludeReturn' {
        $plain = Get-SaltBatchMinion -CacheDir $Cache -Jid $OutcomeJid

        $plain | Where-Object { $null -ne $_.Return -or $null -ne $_.StatesSucceeded -or $_.LateReturn -or $_.Outputter } | Should -BeNullOrEmpty
    }

    It 'follows no symbolic link planted as a return: one error for that minion, and every other minion still comes' {
        $copy = Join-Path $TestDrive 'linked-cache'
        Copy-Item -Recurse -LiteralPath $Cache -Destination $copy
        $secret = Join-Path $TestDrive 'secret.p'
        [System.IO.File]::WriteAllBytes($secret, [byte[]](0xa6, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74))
        $jobDir = Join-Path $copy ($JobDir.Substring($Cache.Length))
        Remove-Item -LiteralPath (Join-Path $jobDir 'flagged1/return.p')
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $jobDir 'flagged1/return.p') -Target $secret

        $minions = Get-SaltBatchMinion -CacheDir $copy -Jid $OutcomeJid -IncludeReturn -ErrorVariable failures -ErrorAction SilentlyContinue

        $minions.Count | Should -Be 9
        ($minions | Where-Object Minion -EQ 'flagged1').Return | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'SaltBatchCacheUnavailable,SaltBatch.GetSaltBatchMinionCommand'
        $failures[0].TargetObject | Should -Be 'flagged1'
        $failures[0].Exception.Message | Should -BeLike '*flagged1/return.p*symbolic link*not followed*'
    }
}

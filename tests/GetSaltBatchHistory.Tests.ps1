BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule

    function Get-ExpectedJid {
        <# The model's JIDs that pass $Where, newest first as the cmdlet promises (creation time, then JID). #>
        param([scriptblock] $Where = { $true })
        @($Batches | Where-Object $Where | Sort-Object -Property @{ Expression = 'created'; Descending = $true }, @{ Expression = 'jid'; Descending = $true } | ForEach-Object jid)
    }

    # 20,000 job directories: 19,950 ordinary jobs and 50 batches, 4 of which are broken. Creation times step back
    # 15 minutes from now, offset by half a step so that no batch sits near a whole-hour boundary the tests use.
    $nowSeconds = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    $functions = 'state.apply', 'state.highstate', 'test.ping', 'cmd.run', 'pkg.upgrade'
    $targets = @('web*', 'db*', 'G@os:Debian', @('app1.example.com', 'app2.example.com'))
    $users = 'root', 'salt', 'alice'
    $script:Batches = foreach ($i in 0..45) {
        # Batch 11 shares batch 10's creation time, so the JID decides their order.
        $created = $nowSeconds - 450 - 900 * ($(if ($i -eq 11) { 10 } else { $i }))
        $batch = @{
            jid     = [DateTimeOffset]::FromUnixTimeSeconds($created).UtcDateTime.ToString('yyyyMMddHHmmss') + $i.ToString('D6')
            fun     = $functions[$i % $functions.Count]
            tgt     = $targets[$i % $targets.Count]
            tgtType = $(if ($i % $targets.Count -eq 3) { 'list' } else { 'glob' })
            user    = $users[$i % $users.Count]
            created = [double] $created
            lastProgress = [double] ($created + 30)
            batchSize = 2
        }
        switch ($i % 3) {
            0 { $batch += @{ total = 4; done = 1; active = 1; state = 'Running' } }
            1 { $batch += @{ total = 4; done = 2; active = 1; halted = $true; haltedReason = $(if ($i % 2) { 'stop' } else { 'failhard' }); state = 'Halted' } }
            2 { $batch += @{ total = 3; done = 2; failed = 1; state = 'Complete' } }
        }
        [pscustomobject]$batch
    }
    $script:BrokenJids = '20250101000000000001', '20250101000000000002', '20250101000000000003', '20250101000000000004'
    $broken = @(
        @{ jid = $BrokenJids[0]; hex = 'de0018a36a6964b432303234' }     # truncated after "jid"
        @{ jid = $BrokenJids[1]; hex = 'c1' }                           # not msgpack at all
        @{ jid = $BrokenJids[2]; hex = '93010203' }                     # a list, not a map
        @{ jid = $BrokenJids[3]; hex = '81ab616c6c5f6d696e696f6e7301' } # all_minions is a number
    )
    # Not in $TestDrive: Pester compares every TestDrive entry with every other when it clears a Describe's
    # TestDrive, which takes minutes for 100,000 entries.
    $script:CacheRoot = New-ScratchDirectory -Prefix 'saltbatch-history-'
    $script:Cache = New-SaltTestCache -Path (Join-Path $CacheRoot 'cache') -Spec @{
        nonBatchJobs  = 20000 - $Batches.Count - $broken.Count
        batches       = @($Batches | ForEach-Object {
                $spec = @{}
                $_.PSObject.Properties | Where-Object Name -NE 'state' | ForEach-Object { $spec[$_.Name] = $_.Value }
                $spec
            })
        rawBatchFiles = $broken
    }
    $script:BrokenPaths = @($BrokenJids | ForEach-Object { Get-BatchStatePath -CacheDir $Cache -Jid $_ } | Sort-Object)
    $script:JobDirectoryCount = @(Get-ChildItem -LiteralPath (Join-Path $Cache 'jobs') -Directory | ForEach-Object { [System.IO.Directory]::GetDirectories($_.FullName) }).Count
}

AfterAll {
    [System.IO.Directory]::Delete($CacheRoot, $true)
}

Describe 'Get-SaltBatch history over 20,000 job directories' {
    It 'generated 20,000 job directories' {
        $JobDirectoryCount | Should -Be 20000
    }

    It 'lists every batch newest first, with one SaltBatchCorrupt naming each broken file' {
        $found = Get-SaltBatch -CacheDir $Cache -ErrorVariable failures -ErrorAction SilentlyContinue

        $found.Count + $failures.Count | Should -Be 50
        $found | Should -BeOfType ([SaltBatch.SaltBatchInfo])
        $found.Jid | Should -Be (Get-ExpectedJid)
        $found[0].Created | Should -BeGreaterThan $found[-1].Created
        $failures | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -Be 'SaltBatchCorrupt,SaltBatch.GetSaltBatchCommand'
            $_.CategoryInfo.Category | Should -Be 'InvalidData'
            $_.Exception.Message | Should -BeLike "*'$($_.TargetObject)'*"
        }
        @($failures.TargetObject | Sort-Object) | Should -Be $BrokenPaths
    }

    It 'breaks a creation-time tie by JID, newest JID first' {
        $tied = @($Batches[10].jid, $Batches[11].jid)
        $order = @((Get-SaltBatch -CacheDir $Cache -ErrorAction SilentlyContinue).Jid | Where-Object { $_ -in $tied })

        $order | Should -Be @($Batches[11].jid, $Batches[10].jid)
    }

    It 'carries each batch''s fields and state' {
        $found = Get-SaltBatch -CacheDir $Cache -ErrorAction SilentlyContinue
        $byJid = @{}
        $found | ForEach-Object { $byJid[$_.Jid] = $_ }

        foreach ($batch in $Batches) {
            $info = $byJid[$batch.jid]
            $info.State | Should -Be $batch.state
            $info.Function | Should -Be $batch.fun
            $info.Target | Should -Be ($batch.tgt -join ',')
            $info.User | Should -Be $batch.user
            $info.Created | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds([long]$batch.created).UtcDateTime)
        }
    }

    It 'filters by -State <State>' -ForEach @(
        @{ State = @('Halted') }
        @{ State = @('Running', 'Complete') }
        @{ State = @('complete') }
    ) {
        $found = Get-SaltBatch -CacheDir $Cache -State $State -ErrorVariable failures -ErrorAction SilentlyContinue

        $found.Jid | Should -Be (Get-ExpectedJid { $_.state -in $State })
        $failures.Count | Should -Be 4
    }

    It 'filters by function with a case-insensitive wildcard' {
        $found = Get-SaltBatch -CacheDir $Cache -Function 'STATE.*' -ErrorAction SilentlyContinue

        $found.Jid | Should -Be (Get-ExpectedJid { $_.fun.StartsWith('state.') })
        $found.Count | Should -BeGreaterThan 0
        (Get-SaltBatch -CacheDir $Cache -Function 'test.ping', 'cmd.run' -ErrorAction SilentlyContinue).Jid |
            Should -Be (Get-ExpectedJid { $_.fun -in 'test.ping', 'cmd.run' })
    }

    It 'filters by target, list targets matched joined with commas' {
        (Get-SaltBatch -CacheDir $Cache -Target 'db*' -ErrorAction SilentlyContinue).Jid |
            Should -Be (Get-ExpectedJid { $_.tgt -eq 'db*' })
        (Get-SaltBatch -CacheDir $Cache -Target '*APP2*' -ErrorAction SilentlyContinue).Jid |
            Should -Be (Get-ExpectedJid { $_.tgtType -eq 'list' })
        (Get-SaltBatch -CacheDir $Cache -Target 'web`*' -ErrorAction SilentlyContinue).Jid |
            Should -Be (Get-ExpectedJid { $_.tgt -eq 'web*' })
    }

    It 'filters by user' {
        (Get-SaltBatch -CacheDir $Cache -User 'SALT' -ErrorAction SilentlyContinue).Jid |
            Should -Be (Get-ExpectedJid { $_.user -eq 'salt' })
        Get-SaltBatch -CacheDir $Cache -User 'nobody' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'filters by creation time given as <Kind> time' -ForEach @(
        @{ Kind = 'Local'; SixHoursAgo = { (Get-Date).AddHours(-6) } }
        @{ Kind = 'Unspecified'; SixHoursAgo = { [datetime]::SpecifyKind((Get-Date).AddHours(-6), 'Unspecified') } }
        @{ Kind = 'Utc'; SixHoursAgo = { [datetime]::UtcNow.AddHours(-6) } }
    ) {
        $cutoff = & $SixHoursAgo
        $cutoff.Kind | Should -Be $Kind
        $cutoffSeconds = [DateTimeOffset]::UtcNow.AddHours(-6).ToUnixTimeSeconds()

        $after = Get-SaltBatch -CacheDir $Cache -After $cutoff -ErrorAction SilentlyContinue
        $before = Get-SaltBatch -CacheDir $Cache -Before $cutoff -ErrorAction SilentlyContinue

        $after.Jid | Should -Be (Get-ExpectedJid { $_.created -gt $cutoffSeconds })
        $before.Jid | Should -Be (Get-ExpectedJid { $_.created -lt $cutoffSeconds })
        $after.Count | Should -Be 24
    }

    It 'answers the 3 a.m. question: which batches halted in the last six hours' {
        $found = Get-SaltBatch -CacheDir $Cache -State Halted -After (Get-Date).AddHours(-6) -ErrorAction SilentlyContinue
        $cutoffSeconds = [DateTimeOffset]::UtcNow.AddHours(-6).ToUnixTimeSeconds()

        $found.Jid | Should -Be (Get-ExpectedJid { $_.state -eq 'Halted' -and $_.created -gt $cutoffSeconds })
        $found.Count | Should -Be 8
        $found | ForEach-Object { $_.HaltedReason | Should -BeIn 'stop', 'failhard' }
    }

    It 'combines -After and -Before into a window' {
        $from = [datetime]::UtcNow.AddHours(-3)
        $to = [datetime]::UtcNow.AddHours(-1)
        $fromSeconds = [DateTimeOffset]::new($from).ToUnixTimeSeconds()
        $toSeconds = [DateTimeOffset]::new($to).ToUnixTimeSeconds()

        (Get-SaltBatch -CacheDir $Cache -After $from -Before $to -ErrorAction SilentlyContinue).Jid |
            Should -Be (Get-ExpectedJid { $_.created -gt $fromSeconds -and $_.created -lt $toSeconds })
    }

    It 'writes progress while scanning, ending with a completed record' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument((Get-SaltBatchModulePath)).AddStatement()
            $null = $ps.AddCommand('Get-SaltBatch').AddParameter('CacheDir', $Cache).AddParameter('State', 'Halted')
            $output = $ps.Invoke()
            $progress = @($ps.Streams.Progress)
            $errors = @($ps.Streams.Error)
        }
        finally {
            $ps.Dispose()
        }
        $total = @(Get-ChildItem -LiteralPath (Join-Path $Cache 'jobs') -Directory).Count

        $output.Count | Should -Be (Get-ExpectedJid { $_.state -eq 'Halted' }).Count
        $errors.Count | Should -Be 4
        $progress.Count | Should -Be ($total + 1)
        $progress | ForEach-Object { $_.Activity | Should -Be 'Scanning the Salt job cache' }
        $progress[0].StatusDescription | Should -Be "0 of $total directories, 0 batches found"
        $progress[0].RecordType | Should -Be 'Processing'
        $progress[-1].StatusDescription | Should -Be "$total of $total directories, 50 batches found"
        $progress[-1].RecordType | Should -Be 'Completed'
        $progress[-1].PercentComplete | Should -Be 100
        $percents = $progress.PercentComplete
        $percents | Should -Be ($percents | Sort-Object)
    }

    It 'keeps -Jid as it was: positional, by value and by property name, and back from the listing' {
        $third = $Batches[2].jid
        (Get-SaltBatch $third -CacheDir $Cache).Jid | Should -Be $third
        ($Batches[5].jid, $Batches[1].jid | Get-SaltBatch -CacheDir $Cache).Jid | Should -Be @($Batches[5].jid, $Batches[1].jid)

        $halted = Get-SaltBatch -CacheDir $Cache -State Halted -ErrorAction SilentlyContinue
        ($halted | Get-SaltBatch -CacheDir $Cache).Jid | Should -Be $halted.Jid
        { Get-SaltBatch -CacheDir $Cache -Jid $third -State Halted } | Should -Throw -ExceptionType ([System.Management.Automation.ParameterBindingException])
    }
}

Describe 'Get-SaltBatch history edge cases' {
    It 'lists nothing, without an error, when the cache has no jobs directory' {
        $empty = Join-Path $TestDrive 'no-jobs'
        $null = New-Item -ItemType Directory -Path $empty

        Get-SaltBatch -CacheDir $empty -ErrorVariable failures | Should -BeNullOrEmpty
        $failures.Count | Should -Be 0
    }

    It 'reports a job directory it may not enter as SaltBatchAccessDenied and lists the rest' {
        $readable = '20260301120000000000'
        $locked = '20260301130000000000'
        $cache = New-SaltTestCache -Path (Join-Path $TestDrive 'locked-job') -Spec @{
            nonBatchJobs = 40
            batches      = @(
                @{ jid = $readable; total = 2; done = 2; created = 1772366400.0 }
                @{ jid = $locked; total = 2; done = 1; active = 1; created = 1772370000.0 }
            )
        }
        $lockedDirectory = Split-Path -Parent (Get-BatchStatePath -CacheDir $cache -Jid $locked)
        $script = "Import-Module '$(Get-SaltBatchModulePath)'; `$found = Get-SaltBatch -CacheDir '$cache' -ErrorVariable failures -ErrorAction SilentlyContinue; 'found:' + (`$found.Jid -join ','); `$failures | ForEach-Object { `$_.FullyQualifiedErrorId; `$_.TargetObject; `$_.Exception.Message }"
        $output = Invoke-AsLockedOutReader -Path $lockedDirectory -Script $script

        $output.Count | Should -Be 4
        $output[0] | Should -Be "found:$readable"
        $output[1] | Should -Be 'SaltBatchAccessDenied,SaltBatch.GetSaltBatchCommand'
        $output[2] | Should -Be (Join-Path $lockedDirectory '.batch.p')
        $output[3] | Should -BeLike "*Permission denied*'$lockedDirectory'*Run as root or as the Salt master's user*"
    }
}

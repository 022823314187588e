BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    . (Join-Path $PSScriptRoot 'ReadCmdlets.Fixtures.ps1')
    Import-SaltBatchModule
    $script:Cache = New-ReadCmdletCache -Path (Join-Path $TestDrive 'cache')
}

Describe 'Get-SaltBatch' {
    It 'summarises a running batch with every field of the runner''s summary' {
        $batch = Get-SaltBatch -CacheDir $Cache -Jid $RunningJid

        $batch | Should -BeOfType ([SaltBatch.SaltBatchInfo])
        $batch.Jid | Should -Be $RunningJid
        $batch.Function | Should -Be 'test.ping'
        $batch.Target | Should -Be 'web*'
        $batch.TargetType | Should -Be 'glob'
        $batch.Total | Should -Be 3
        $batch.Completed | Should -Be 1
        $batch.Active | Should -Be 1
        $batch.Pending | Should -Be 1
        $batch.Failed | Should -Be 0
        $batch.BatchSize | Should -Be 2
        $batch.Halted | Should -BeFalse
        $batch.HaltedReason | Should -BeNullOrEmpty
        $batch.Driver | Should -Be 'master'
        $batch.User | Should -Be 'root'
        $batch.State | Should -Be 'Running'
        $batch.PercentComplete | Should -Be 33.3
        $batch.ActiveMinions | Should -Be @('web2')
        $batch.Created | Should -Be ([datetime]::new(2024, 6, 10, 12, 0, 0, [DateTimeKind]::Utc))
        $batch.Created.Kind | Should -Be 'Utc'
        $batch.LastProgress | Should -Be ([datetime]::new(2024, 6, 10, 12, 0, 2, 250, [DateTimeKind]::Utc))
        $expectedAge = ([datetime]::UtcNow - $batch.LastProgress).TotalSeconds
        $batch.AgeSeconds | Should -BeGreaterThan ($expectedAge - 60)
        $batch.AgeSeconds | Should -BeLessOrEqual ($expectedAge + 1)
        # The same age as a time span, which PowerShell compares and formats: older than ten minutes.
        $batch.Age | Should -BeOfType [timespan]
        [math]::Abs($batch.Age.TotalSeconds - $batch.AgeSeconds) | Should -BeLessThan 0.001
        @($batch | Where-Object Age -GT ([timespan]'00:10:00')) | Should -HaveCount 1
    }

    It 'reports halted and complete batches with their state' {
        $halted, $complete = Get-SaltBatch -CacheDir $Cache -Jid $HaltedJid, $CompleteJid

        $halted.State | Should -Be 'Halted'
        $halted.Halted | Should -BeTrue
        $halted.HaltedReason | Should -Be 'stop'
        $halted.User | Should -Be 'salt'
        $complete.State | Should -Be 'Complete'
        $complete.Failed | Should -Be 1
        $complete.PercentComplete | Should -Be 100
    }

    It 'reads unique_jid JIDs, list targets and unicode minion ids' {
        $batch = Get-SaltBatch -CacheDir $Cache -Jid $UniqueJid

        $batch.Target | Should -Be 'ünï1,ünï2'
        $batch.TargetType | Should -Be 'list'
        $batch.ActiveMinions | Should -Be @('ünï1', 'ünï2')
        $batch.Driver | Should -Be 'cli'
    }

    It 'takes JIDs positionally, from the pipeline by value and by property name, in order' {
        (Get-SaltBatch $RunningJid -CacheDir $Cache).Jid | Should -Be $RunningJid
        ($HaltedJid, $RunningJid | Get-SaltBatch -CacheDir $Cache).Jid | Should -Be @($HaltedJid, $RunningJid)
        ([pscustomobject]@{ Jid = $CompleteJid } | Get-SaltBatch -CacheDir $Cache).Jid | Should -Be $CompleteJid
        (Get-SaltBatch -CacheDir $Cache -Jid $RunningJid | Get-SaltBatch -CacheDir $Cache).Jid | Should -Be $RunningJid
    }

    It 'writes SaltBatchNotFound for an unknown JID and goes on with the next one' {
        $unknown = '20990101000000000000'
        $found = Get-SaltBatch -CacheDir $Cache -Jid $unknown, $RunningJid -ErrorVariable failures -ErrorAction SilentlyContinue

        $found.Jid | Should -Be $RunningJid
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltBatchNotFound,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be $unknown
        $failures[0].Exception.Message | Should -BeLike "*$unknown*"
    }

    It 'writes SaltBatchInvalidJid for text that is not a JID, before touching anything' {
        $found = 'not-a-jid', "../../etc`npasswd", $RunningJid | Get-SaltBatch -CacheDir $Cache -ErrorVariable failures -ErrorAction SilentlyContinue

        $found.Jid | Should -Be $RunningJid
        $failures.Count | Should -Be 2
        $failures | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'SaltBatchInvalidJid,*' }
        $failures | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'InvalidArgument' }
        $failures[1].Exception.Message | Should -Not -Match "`n"
    }

    It 'writes SaltBatchCorrupt for a truncated state and goes on' {
        $found = Get-SaltBatch -CacheDir $Cache -Jid $TruncatedStateJid, $RunningJid -ErrorVariable failures -ErrorAction SilentlyContinue

        $found.Jid | Should -Be $RunningJid
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltBatchCorrupt,*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $failures[0].Exception.Message | Should -BeLike "*$(Get-BatchStatePath -CacheDir $Cache -Jid $TruncatedStateJid)*truncated*"
    }

    It 'treats an empty state file as no batch, as Salt does' {
        Get-SaltBatch -CacheDir $Cache -Jid $EmptyStateJid -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltBatchNotFound,*'
    }

    It 'renders the default table with done/total, state and age' {
        $table = Get-SaltBatch -CacheDir $Cache -Jid $RunningJid, $HaltedJid | Format-Table | Out-String -Width 200

        $table | Should -Match 'Jid\s+Function\s+Target\s+Done/Total\s+Active\s+Pending\s+Failed\s+Unsuccessful\s+State\s+Age'
        $table | Should -Match "$RunningJid\s+test\.ping\s+web\*\s+1/3\s+1\s+1\s+0\s+0\s+Running\s+[\d.]+d"
        $table | Should -Match "$HaltedJid\s+state\.apply\s+db\*\s+2/4\s+1\s+1\s+0\s+0\s+Halted:stop"
    }

    It 'converts to clean JSON with ISO dates that round-trips' {
        $json = Get-SaltBatch -CacheDir $Cache -Jid $RunningJid | ConvertTo-Json -Depth 3
        $back = $json | ConvertFrom-Json -DateKind String

        $json | Should -Match '"Created": "2024-06-10T12:00:00Z"'
        $back.Jid | Should -Be $RunningJid
        $back.State | Should -Be 'Running'
        $back.Total | Should -Be 3
        $back.LastProgress | Should -Be '2024-06-10T12:00:02.25Z'
        $back.ActiveMinions | Should -Be @('web2')
    }
}

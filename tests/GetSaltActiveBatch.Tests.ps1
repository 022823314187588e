BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    . (Join-Path $PSScriptRoot 'ReadCmdlets.Fixtures.ps1')
    Import-SaltBatchModule
    $script:Cache = New-ReadCmdletCache -Path (Join-Path $TestDrive 'cache')
}

Describe 'Get-SaltActiveBatch' {
    It 'lists every readable indexed batch once, sorted by JID, halted ones included (as the runner does)' {
        $batches = Get-SaltActiveBatch -CacheDir $Cache

        $batches.Jid | Should -Be @($RunningJid, $HaltedJid, $UniqueJid)
        $batches | ForEach-Object { $_ | Should -BeOfType ([SaltBatch.SaltBatchInfo]) }
        ($batches | Where-Object Jid -EQ $HaltedJid).State | Should -Be 'Halted'
    }

    It 'drops entries with a missing, empty or corrupt state, naming each in a verbose note and writing no error' {
        $records = Get-SaltActiveBatch -CacheDir $Cache -Verbose -ErrorVariable failures 4>&1
        $notes = $records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message

        $failures | Should -BeNullOrEmpty
        ($records | Where-Object { $_ -is [SaltBatch.SaltBatchInfo] }).Count | Should -Be 3
        $notes | Where-Object { $_ -like "Dropped active batch $MissingStateJid*missing or empty*" } | Should -HaveCount 1
        $notes | Where-Object { $_ -like "Dropped active batch $EmptyStateJid*missing or empty*" } | Should -HaveCount 1
        $notes | Where-Object { $_ -like "Dropped active batch $TruncatedStateJid*truncated*" } | Should -HaveCount 1
    }

    It 'returns nothing and no error for an empty index' {
        $empty = New-SaltTestCache -Path (Join-Path $TestDrive 'empty-index') -Spec @{ activeIndex = @() }
        [System.IO.File]::ReadAllBytes((Join-Path $empty 'batch_active.p')) | Should -Be @(0x90)

        Get-SaltActiveBatch -CacheDir $empty -ErrorVariable failures | Should -BeNullOrEmpty
        $failures | Should -BeNullOrEmpty
    }

    It 'returns nothing and no error when there is no index at all' {
        $bare = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'no-index')

        Get-SaltActiveBatch -CacheDir $bare.FullName -ErrorVariable failures | Should -BeNullOrEmpty
        $failures | Should -BeNullOrEmpty
    }

    It 'feeds Get-SaltBatch through the pipeline by property name' {
        (Get-SaltActiveBatch -CacheDir $Cache | Get-SaltBatch -CacheDir $Cache).Jid | Should -Be @($RunningJid, $HaltedJid, $UniqueJid)
    }

    It 'reports a corrupt index as an error instead of pretending nothing is active' {
        $broken = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'broken-index')
        [System.IO.File]::WriteAllBytes((Join-Path $broken 'batch_active.p'), [byte[]](0x92, 0xb4, 0x32))

        { Get-SaltActiveBatch -CacheDir $broken.FullName -ErrorAction Stop } | Should -Throw -ErrorId 'SaltBatchCorrupt,SaltBatch.GetSaltActiveBatchCommand'
    }
}

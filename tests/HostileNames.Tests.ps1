# JIDs, minion ids and paths that try to escape, break lines or overflow: rejected, hashed or shown verbatim, and
# nothing outside the cache is ever read or written.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule

    function Get-TreeSnapshot([string] $Path) {
        Get-ChildItem -LiteralPath $Path -Recurse -Force -File | ForEach-Object { '{0} {1} {2:o}' -f $_.FullName, $_.Length, $_.LastWriteTimeUtc } | Sort-Object
    }
}

Describe 'Hostile JIDs' {
    BeforeAll {
        $script:Root = Join-Path $TestDrive 'jids'
        $script:Cache = Join-Path $Root 'master/cache'
        $script:Outside = Join-Path $Root 'outside'
        $script:RunningJid = '20240610120000000000'
        $null = New-SaltTestCache -Path $Cache -Spec @{
            batches     = @(@{ jid = $RunningJid; total = 2; done = 1; active = 1 })
            activeIndex = @($RunningJid)
        }
        # A valid JID by Salt's is_jid (20 digits, '_', any suffix) that would walk out of the cache if it were ever
        # used as a path. A batch state waits where such a walk would land: finding it would prove a read outside.
        $script:EscapingJid = "${RunningJid}_/../../../../outside"
        $landing = [IO.Path]::GetFullPath((Join-Path $Cache "jobs/$EscapingJid/.batch.p"))
        $landing | Should -BeLike "$Outside*"
        $decoy = New-SaltTestCache -Path (Join-Path $TestDrive 'decoy') -Spec @{ batches = @(@{ jid = $RunningJid; total = 9; done = 9 }) }
        $null = New-Item -ItemType Directory -Force -Path (Split-Path $landing)
        Get-ChildItem -LiteralPath $decoy -Recurse -Force -Filter '.batch.p' | Copy-Item -Destination $landing
        $script:Invalid = @(
            '../../../../etc/passwd'
            "2024061012000000000`n0"
            "20240610120000000000`0"
            "2024061012000000000/"
            '..'
            ('9' * 5000)
            "20240610`r`n120000000000"
        )
    }

    It 'rejects each invalid JID with SaltBatchInvalidJid in one line, and reads nothing' {
        $before = Get-TreeSnapshot $Root

        $found = Get-SaltBatch -CacheDir $Cache -Jid $Invalid -ErrorVariable failures -ErrorAction SilentlyContinue

        $found | Should -BeNullOrEmpty
        $failures.Count | Should -Be $Invalid.Count
        $failures | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -BeLike 'SaltBatchInvalidJid,*'
            $_.Exception.Message | Should -Not -Match "[`n`r`0]"
            $_.Exception.Message.Length | Should -BeLessThan 400
        }
        Get-TreeSnapshot $Root | Should -Be $before
    }

    It 'hashes a valid JID full of path separators: it is simply not found, and the decoy outside is never read' {
        $before = Get-TreeSnapshot $Root

        Get-SaltBatch -CacheDir $Cache -Jid $EscapingJid -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltBatchNotFound,*'
        $failures[0].Exception.Message | Should -BeLike "*$Cache/jobs/*"
        Get-TreeSnapshot $Root | Should -Be $before
    }

    It 'sends nothing to the master for invalid or escaping JIDs, and creates nothing' {
        $master = Start-SimulatedMaster -Root (Join-Path $TestDrive 'jid-master')
        try {
            $null = New-SaltTestCache -Path $master.CacheDir -Spec @{ batches = @(@{ jid = $RunningJid; total = 2; done = 1; active = 1 }) }
            $before = Get-TreeSnapshot $Root

            Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid ($Invalid + $EscapingJid) -Kill -Force -Framing Prefixed -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures.Count | Should -Be ($Invalid.Count + 1)
            @($failures | Where-Object FullyQualifiedErrorId -Like 'SaltBatchInvalidJid,*').Count | Should -Be $Invalid.Count
            $failures[-1].FullyQualifiedErrorId | Should -BeLike 'SaltBatchNotFound,*'
            Get-MasterJournal $master -Kind 'event-received' | Should -BeNullOrEmpty
            Get-MasterJournal $master -Kind 'publish-received' | Should -BeNullOrEmpty
            Get-TreeSnapshot $Root | Should -Be $before
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }
}

Describe 'Hostile minion ids inside .batch.p' {
    It 'reports them verbatim and kills exactly them' {
        $master = Start-SimulatedMaster -Root (Join-Path $TestDrive 'minion-master')
        try {
            $jid = '20240610120000000000'
            $odd = @("../../etc/cron.d/x", "line`nbreak", "nul`0byte", ('m' * 3000), "tab`tand space ünï")
            $null = New-SaltTestCache -Path $master.CacheDir -Spec @{
                batches     = @(@{ jid = $jid; minions = @('plain') + $odd; done = 1; active = 5; batchSize = 5 })
                activeIndex = @($jid)
            }

            # The runner's order: ordinal.
            $expected = [string[]] $odd.Clone()
            [Array]::Sort($expected, [StringComparer]::Ordinal)

            $batch = Get-SaltBatch -ConfigPath $master.ConfigPath -Jid $jid
            $batch.ActiveMinions | Should -Be $expected
            # The table a user reads keeps the batch on one row, and no id spills its line breaks or path into it.
            $lines = @(($batch | Format-Table | Out-String) -split '\r?\n' | Where-Object { $_.Trim() })
            @($lines | Where-Object { $_ -like "*$jid*" }) | Should -HaveCount 1
            ($lines -join "`n") | Should -Not -Match 'cron|break|nul|tab'
            @($lines | Where-Object { $_ -like "$jid *" }) | Should -HaveCount 1

            $filesBefore = @(Get-ChildItem -LiteralPath $TestDrive -Recurse -Force -File -Name | Sort-Object)
            $stopped = Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $jid -Kill -Force -Framing Prefixed -PassThru
            $stopped.State | Should -Be 'Halted'
            (Get-MasterJournal $master -Kind 'publish-received').tgt | Should -Be $expected
            # An id like ../../etc/cron.d/x is a name to publish to, never a path: the stop made no file anywhere.
            # (Less the simulated master's own atomic-write temp file, which its halt may have in flight at that moment.)
            @(Get-ChildItem -LiteralPath $TestDrive -Recurse -Force -File -Name | Where-Object { (Split-Path -Leaf $_) -notlike '.___atomic_write*' } | Sort-Object) | Should -Be $filesBefore
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }
}

Describe 'Paths with spaces and non-ASCII letters' {
    It 'reads, lists and stops against a master rooted at a path like "Salt Master ünï"' {
        $master = Start-SimulatedMaster -Root (Join-Path $TestDrive 'Salt Master ünï')
        try {
            $jid = '20240610120000000000'
            $null = New-SaltTestCache -Path $master.CacheDir -Spec @{
                batches     = @(@{ jid = $jid; minions = @('web1', 'wéb2', 'web3'); done = 1; active = 2; batchSize = 2 })
                activeIndex = @($jid)
            }
            $master.SockDir | Should -BeLike '*Salt Master ünï*'

            (Get-SaltBatch -ConfigPath $master.ConfigPath -Jid $jid).Active | Should -Be 2
            (Get-SaltActiveBatch -ConfigPath $master.ConfigPath).Jid | Should -Be $jid
            (Get-SaltMasterConfig -ConfigPath $master.ConfigPath).CacheDir | Should -Be $master.CacheDir
            $stopped = Stop-SaltBatch -ConfigPath $master.ConfigPath -Jid $jid -Kill -Force -PassThru
            $stopped.State | Should -Be 'Halted'
            (Get-MasterJournal $master -Kind 'publish-received').tgt | Should -Be @('web3', 'wéb2')
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }
}

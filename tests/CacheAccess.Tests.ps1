BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    . (Join-Path $PSScriptRoot 'ReadCmdlets.Fixtures.ps1')
    Import-SaltBatchModule
}

Describe 'Cache access errors' {
    It 'stops with SaltBatchCacheUnavailable naming a cache directory that does not exist' {
        $missing = Join-Path $TestDrive 'no/such/cache'

        $failure = { Get-SaltBatch -CacheDir $missing -Jid $RunningJid } | Should -Throw -ErrorId 'SaltBatchCacheUnavailable,SaltBatch.GetSaltBatchCommand' -PassThru
        $failure.Exception.Message | Should -BeLike "*$missing*does not exist*"
        { Get-SaltActiveBatch -CacheDir $missing } | Should -Throw -ErrorId 'SaltBatchCacheUnavailable,SaltBatch.GetSaltActiveBatchCommand'
    }

    It 'reports a jobs directory that cannot be listed as that master''s error, and the script goes on' {
        $cache = New-ReadCmdletCache -Path (Join-Path $TestDrive 'unlistable-cache')
        $locked = Join-Path $cache 'jobs'
        $script = "Import-Module '$(Get-SaltBatchModulePath)'; `$batches = @(Get-SaltBatch -CacheDir '$cache' -ErrorAction SilentlyContinue -ErrorVariable failures); 'the next line ran'; `$batches.Count; `$failures.Count; `$failures[0].FullyQualifiedErrorId; `$failures[0].TargetObject; [Environment]::MachineName"
        $output = Invoke-AsLockedOutReader -Path $locked -Script $script

        $output[0] | Should -Be 'the next line ran'
        $output[1] | Should -Be '0'
        $output[2] | Should -Be '1'
        $output[3] | Should -Be 'SaltBatchAccessDenied,SaltBatch.GetSaltBatchCommand'
        $output[4] | Should -Be $output[5]
    }

    It 'stops with SaltMasterConfigNotFound when neither a config file nor -CacheDir says where the master is' {
        if (Test-Path /etc/salt/master) { Set-ItResult -Skipped -Because 'this machine has a real /etc/salt/master' }
        $saved = $env:SALT_MASTER_CONFIG, $env:SALT_CONFIG_DIR
        $env:SALT_MASTER_CONFIG = $null; $env:SALT_CONFIG_DIR = $null
        try {
            $failure = { Get-SaltBatch -Jid $RunningJid } | Should -Throw -ErrorId 'SaltMasterConfigNotFound,SaltBatch.GetSaltBatchCommand' -PassThru
        }
        finally {
            $env:SALT_MASTER_CONFIG, $env:SALT_CONFIG_DIR = $saved
        }
        $failure.Exception.Message | Should -BeLike '*/etc/salt/master*-ConfigPath*-CacheDir*'
    }

    It 'stops with SaltBatchAccessDenied naming the path, its owner and the fix, for a reader without permission' {
        $cache = New-ReadCmdletCache -Path (Join-Path $TestDrive 'locked-cache')
        $locked = Join-Path $cache 'jobs'
        $script = "Import-Module '$(Get-SaltBatchModulePath)'; try { Get-SaltBatch -CacheDir '$cache' -Jid $RunningJid -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category.ToString(); `$_.Exception.Message }"
        $output = Invoke-AsLockedOutReader -Path $locked -Script $script

        $output[0] | Should -Be 'SaltBatchAccessDenied,SaltBatch.GetSaltBatchCommand'
        $output[1] | Should -Be 'PermissionDenied'
        $output[2] | Should -BeLike "*Permission denied*$locked*owned by *(uid *Run as root or as the Salt master's user*"
    }
}

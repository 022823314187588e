BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    . (Join-Path $PSScriptRoot 'ReadCmdlets.Fixtures.ps1')
    Import-SaltBatchModule
}

Describe 'Get-SaltMasterConfig' {
    BeforeAll {
        $script:Root = Join-Path $TestDrive 'saltroot'
        $etc = New-Item -ItemType Directory -Force -Path (Join-Path $Root 'etc/salt/master.d')
        $script:MainFile = Join-Path $Root 'etc/salt/master'
        Set-Content -LiteralPath $MainFile -Value @(
            "root_dir: $Root"
            'hash_type: MD5'
            'user: salt'
            'ret_port: 4606'
        )
        Set-Content -LiteralPath (Join-Path $etc '10-ipc.conf') -Value @('ipc_mode: tcp', 'tcp_master_pull_port: 5513')
        Set-Content -LiteralPath (Join-Path $etc '20-later.conf') -Value @('tcp_master_pull_port: 6513', 'interface: 0.0.0.0')
    }

    It 'resolves the file, master.d includes in sorted order, root_dir and defaults' {
        $config = Get-SaltMasterConfig -ConfigPath $MainFile

        $config | Should -BeOfType ([SaltBatch.SaltMasterConfigInfo])
        $config.ConfigFileFound | Should -BeTrue
        $config.ConfigFiles | Should -Be @($MainFile, (Join-Path $Root 'etc/salt/master.d/10-ipc.conf'), (Join-Path $Root 'etc/salt/master.d/20-later.conf'))
        $config.CacheDir | Should -Be (Join-Path $Root 'var/cache/salt/master')
        $config.SockDir | Should -Be (Join-Path $Root 'var/run/salt/master')
        $config.HashType | Should -Be 'md5'
        $config.User | Should -Be 'salt'
        $config.Transport | Should -Be 'zeromq'
        $config.RetPort | Should -Be 4606
        $config.MasterUri | Should -Be 'tcp://127.0.0.1:4606'
        $config.IpcMode | Should -Be 'tcp'
        $config.EventPullEndpoint | Should -Be 'tcp://127.0.0.1:6513'
        $config.EventPubEndpoint | Should -Be 'tcp://127.0.0.1:4512'
        $config.Timeout | Should -Be 5
    }

    It 'lets -CacheDir override the configured cachedir' {
        (Get-SaltMasterConfig -ConfigPath $MainFile -CacheDir (Join-Path $TestDrive 'elsewhere')).CacheDir | Should -Be (Join-Path $TestDrive 'elsewhere')
    }

    It 'reads batches where the config says: cachedir and hash_type from -ConfigPath' {
        $null = New-ReadCmdletCache -Path (Join-Path $Root 'var/cache/salt/master') -HashType md5

        (Get-SaltBatch -ConfigPath $MainFile -Jid $RunningJid).Total | Should -Be 3
        (Get-SaltActiveBatch -ConfigPath $MainFile).Count | Should -Be 3
    }

    It 'names the file and key of a bad setting' {
        $bad = Join-Path $TestDrive 'bad-master'
        Set-Content -LiteralPath $bad -Value 'ret_port: lots'

        $failure = { Get-SaltMasterConfig -ConfigPath $bad } | Should -Throw -ErrorId 'SaltMasterConfigInvalid,SaltBatch.GetSaltMasterConfigCommand' -PassThru
        $failure.Exception.Message | Should -BeLike "*ret_port*"
        $failure.Exception.Message | Should -BeLike "*$bad*"
    }

    It 'fails clearly when an explicit config file does not exist' {
        { Get-SaltMasterConfig -ConfigPath (Join-Path $TestDrive 'nope/master') } | Should -Throw -ErrorId 'SaltMasterConfigInvalid,SaltBatch.GetSaltMasterConfigCommand'
    }
}

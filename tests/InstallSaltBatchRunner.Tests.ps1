# Install-SaltBatchRunner on the master host: where the module's runner goes (runner_dirs, or file_roots' _runners
# for saltutil.sync_runners), what -WhatIf and a second run leave alone, what it replaces, and the directories root
# refuses to write into. Get-SaltMasterConfig then says which copy the master loads. Ownership cases need root.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule

    $script:Shipped = Join-Path (Split-Path (Get-SaltBatchModulePath)) 'salt/_runners/saltbatch.py'
    $script:IsRoot = (id -u) -eq '0'

    function New-MasterConfig([string[]] $Lines = @(), [string] $User = 'root') {
        $root = Join-Path $TestDrive ("m{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 8))
        $null = New-Item -ItemType Directory -Force -Path (Join-Path $root 'cache')
        $config = Join-Path $root 'master'
        Set-Content -LiteralPath $config -Value (@("cachedir: $root/cache", "user: $User", "extension_modules: $root/extmods") + ($Lines | ForEach-Object { $_ -replace '\{root\}', $root }))
        [pscustomobject]@{ Root = $root; Config = $config }
    }

    function Get-Mode([string] $Path) { (Get-Item -LiteralPath $Path).UnixMode }
}

Describe 'Install-SaltBatchRunner' {
    It 'puts the module''s runner into the first runner_dirs directory, mode 0644, and says what to run next' {
        $master = New-MasterConfig -Lines 'runner_dirs: [{root}/runners, {root}/other]'
        $null = New-Item -ItemType Directory -Path (Join-Path $master.Root 'runners')

        $installed = Install-SaltBatchRunner -ConfigPath $master.Config

        $installed | Should -BeOfType SaltBatch.SaltBatchRunnerInfo
        $installed.Path | Should -Be (Join-Path $master.Root 'runners/saltbatch.py')
        $installed.Place | Should -Be 'RunnerDirs'
        $installed.Version | Should -Be '0.1.0'
        $installed.PreviousVersion | Should -BeNullOrEmpty
        $installed.Changed | Should -BeTrue
        $installed.NextStep | Should -BeLike '*next runner call*salt-run saltbatch.version*external_auth rule {''@runner'': `[''saltbatch\..*''`]}*'
        (Get-FileHash $installed.Path).Hash | Should -Be (Get-FileHash $Shipped).Hash
        Get-Mode $installed.Path | Should -Be '-rw-r--r--'
        Get-ChildItem -Force (Split-Path $installed.Path) | Where-Object Name -like '.___atomic_write*' | Should -BeNullOrEmpty

        $config = Get-SaltMasterConfig -ConfigPath $master.Config
        $config.CompanionRunnerPath | Should -Be $installed.Path
        $config.CompanionRunnerVersion | Should -Be '0.1.0'
        ($config | Format-List | Out-String) | Should -Match "CompanionRunner\s*:\s*0\.1\.0 \($([regex]::Escape($installed.Path))\)"
    }

    It 'leaves a file that is already the module''s runner alone' {
        $master = New-MasterConfig -Lines 'runner_dirs: [{root}/runners]'
        $first = Install-SaltBatchRunner -ConfigPath $master.Config
        $written = (Get-Item $first.Path).LastWriteTimeUtc
        Start-Sleep -Milliseconds 20

        $again = Install-SaltBatchRunner -ConfigPath $master.Config -Verbose 4>&1
        $info = $again | Where-Object { $_ -is [SaltBatch.SaltBatchRunnerInfo] }

        $info.Changed | Should -BeFalse
        @($again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*already the module''s companion runner 0.1.0*' }).Count | Should -Be 1
        (Get-Item $first.Path).LastWriteTimeUtc | Should -Be $written
    }

    It 'replaces an older version, saying which it was' {
        $master = New-MasterConfig -Lines 'runner_dirs: [{root}/runners]'
        $null = New-Item -ItemType Directory -Path (Join-Path $master.Root 'runners')
        Set-Content -LiteralPath (Join-Path $master.Root 'runners/saltbatch.py') -Value 'VERSION = "0.0.9"'

        $installed = Install-SaltBatchRunner -ConfigPath $master.Config -Confirm:$false

        $installed.PreviousVersion | Should -Be '0.0.9'
        (Get-FileHash $installed.Path).Hash | Should -Be (Get-FileHash $Shipped).Hash
        ($installed | Format-List | Out-String) | Should -Match 'Version\s*:\s*0\.1\.0 \(was 0\.0\.9\)'
    }

    It 'writes nothing with -WhatIf, and says what it would write' {
        $master = New-MasterConfig -Lines 'runner_dirs: [{root}/runners]'
        $transcript = Join-Path $TestDrive 'whatif.txt'

        Start-Transcript -LiteralPath $transcript | Out-Null
        try { $result = Install-SaltBatchRunner -ConfigPath $master.Config -WhatIf } finally { Stop-Transcript | Out-Null }

        $result | Should -BeNullOrEmpty
        Test-Path (Join-Path $master.Root 'runners') | Should -BeFalse
        Get-Content -Raw $transcript | Should -Match "What if: Performing the operation `"Install SaltBatch's companion runner 0\.1\.0`" on target `"$([regex]::Escape((Join-Path $master.Root 'runners/saltbatch.py')))`""
    }

    It 'without runner_dirs, stages it in file_roots'' _runners (made 0755) and says to sync; the master config shows it staged' {
        $master = New-MasterConfig -Lines 'file_roots: {base: [{root}/srv/salt]}'

        $installed = Install-SaltBatchRunner -ConfigPath $master.Config

        $installed.Path | Should -Be (Join-Path $master.Root 'srv/salt/_runners/saltbatch.py')
        $installed.Place | Should -Be 'FileRoots'
        $installed.NextStep | Should -BeLike "*salt-run saltutil.sync_runners*"
        Get-Mode (Join-Path $master.Root 'srv/salt/_runners') | Should -Be 'drwxr-xr-x'
        $config = Get-SaltMasterConfig -ConfigPath $master.Config
        $config.CompanionRunnerPath | Should -BeNullOrEmpty
        $config.CompanionRunnerStaged | Should -Be @($installed.Path)
        ($config | Format-List | Out-String) | Should -Match 'CompanionRunner\s*:\s*staged in .*run salt-run saltutil\.sync_runners'
    }

    It 'finds the synced copy in extension_modules first, as the master''s loader does' {
        $master = New-MasterConfig -Lines 'runner_dirs: [{root}/runners]'
        $null = New-Item -ItemType Directory -Force -Path (Join-Path $master.Root 'extmods/runners'), (Join-Path $master.Root 'runners')
        Set-Content -LiteralPath (Join-Path $master.Root 'extmods/runners/saltbatch.py') -Value 'VERSION = "0.0.8"'

        $installed = Install-SaltBatchRunner -ConfigPath $master.Config
        $config = Get-SaltMasterConfig -ConfigPath $master.Config

        $config.CompanionRunnerPath | Should -Be (Join-Path $master.Root 'extmods/runners/saltbatch.py')
        $config.CompanionRunnerVersion | Should -Be '0.0.8'
        $installed.NextStep | Should -BeLike "*loads '$(Join-Path $master.Root 'extmods/runners/saltbatch.py')' (version 0.0.8) before runner_dirs*"
    }

    It 'is SaltBatchInvalidArgument for -Destination RunnerDirs on a master without runner_dirs, naming the option' {
        $master = New-MasterConfig

        { Install-SaltBatchRunner -ConfigPath $master.Config -Destination RunnerDirs } |
            Should -Throw -ErrorId 'SaltBatchInvalidArgument,SaltBatch.InstallSaltBatchRunnerCommand' -ExpectedMessage '*sets no runner_dirs*runner_dirs: `[/srv/salt/runners`]*-Destination*'
    }

    Context 'as root, in directories others control' {
        BeforeEach {
            if (-not $IsRoot) { Set-ItResult -Skipped -Because 'changing owners needs root' }
        }

        It 'refuses a directory <Case>, naming it, and writes nothing' -ForEach @(
            @{ Case = 'another account owns'; Prepare = { param($dir) chown nobody $dir }; Link = $false }
            @{ Case = 'everyone may write (not sticky)'; Prepare = { param($dir) chmod 0777 $dir }; Link = $false }
            @{ Case = 'reached through a link into a directory another account owns'; Prepare = { param($dir) } ; Link = $true }
        ) {
            $master = New-MasterConfig -Lines 'runner_dirs: [{root}/runners]'
            $runners = Join-Path $master.Root 'runners'
            if ($Link) {
                $elsewhere = Join-Path $master.Root 'elsewhere'
                $null = New-Item -ItemType Directory -Path $elsewhere
                chown nobody $elsewhere
                $null = New-Item -ItemType SymbolicLink -Path $runners -Target $elsewhere
                $guarded = $elsewhere
            }
            else {
                $null = New-Item -ItemType Directory -Path $runners
                & $Prepare $runners
                $guarded = $runners
            }

            { Install-SaltBatchRunner -ConfigPath $master.Config } |
                Should -Throw -ErrorId 'SaltBatchAccessDenied,SaltBatch.InstallSaltBatchRunnerCommand' -ExpectedMessage "*Refusing to install the companion runner under '$guarded'*account other than root and the master's user*"
            Get-ChildItem -Force $guarded | Should -BeNullOrEmpty
        }

        It 'writes with the master''s identity into a directory the master''s user owns: the file is the master''s' {
            $master = New-MasterConfig -Lines 'runner_dirs: [{root}/runners]' -User nobody
            $runners = Join-Path $master.Root 'runners'
            $null = New-Item -ItemType Directory -Path $runners
            chown nobody $runners

            $installed = Install-SaltBatchRunner -ConfigPath $master.Config

            (Get-Item $installed.Path).User | Should -Be 'nobody'
            (Get-FileHash $installed.Path).Hash | Should -Be (Get-FileHash $Shipped).Hash
        }
    }
}

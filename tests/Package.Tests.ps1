# The package (tools/New-ModulePackage.ps1, what build.ps1 -Task Package runs after building): it installs from a
# local folder repository and the installed module imports by name and works.
#
# Against the sandbox master (build.ps1 -Task Sandbox, $env:SALT_MASTER_CONFIG), the same check is
# `Import-Module SaltBatch; Get-SaltActiveBatch` with no -CacheDir; here a generated cache stands in for it.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:Feed = Join-Path $TestDrive 'feed'           # the local folder repository
    $script:Installed = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'modules')).FullName   # Save-PSResource's -Path
    $script:Repository = "SaltBatchTest-$([guid]::NewGuid().ToString('N'))"
    # PSResourceGet keeps its repository list in the user's data directory (XDG_DATA_HOME). Every child that
    # touches repositories gets one inside TestDrive, so the developer's own list is never changed, even
    # if this run dies before AfterAll.
    # The folder must exist: .NET ignores a missing one, and PSResourceGet then writes into the current directory.
    $script:DataHome = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'data-home')).FullName
    $script:Isolate = "`$env:XDG_DATA_HOME = '$DataHome'; `$ErrorActionPreference = 'Stop'"

    $null = Invoke-ChildPwsh -Script "& '$RepoRoot/tools/New-ModulePackage.ps1' -ModuleDir '$(Split-Path -Parent (Get-SaltBatchModulePath))' -OutputDir '$Feed'"
    $script:Version = (Import-PowerShellDataFile -Path (Get-SaltBatchModulePath)).ModuleVersion

    $script:SaveOutput = Invoke-ChildPwsh -Script @"
$Isolate
Register-PSResourceRepository -Name '$Repository' -Uri '$Feed' -Trusted
Save-PSResource -Name SaltBatch -Repository '$Repository' -Path '$Installed' -TrustRepository
(Get-PSResourceRepository -Name '$Repository').Name
"@ 2>&1

    $script:RunningJid = '20261128213000123456'
    $script:UpgradeJid = '20261128214500654321'
    $script:Cache = New-SaltTestCache -Path (Join-Path $TestDrive 'cache') -Spec @{
        batches     = @(
            @{ jid = $RunningJid; fun = 'state.apply'; tgt = 'web*'; tgtType = 'glob'; total = 40; done = 22; active = 5; failed = 1; batchSize = 5 }
            @{ jid = $UpgradeJid; fun = 'pkg.upgrade'; tgt = 'db*'; tgtType = 'glob'; total = 6; done = 2; active = 1; batchSize = 1 }
        )
        activeIndex = @($UpgradeJid, $RunningJid)
    }
}

AfterAll {
    # Silently: if BeforeAll failed before registering, there is nothing to remove.
    $null = Invoke-ChildPwsh -Script "$Isolate; Unregister-PSResourceRepository -Name '$Repository' -ErrorAction SilentlyContinue"
}

Describe 'SaltBatch package' {
    It 'is written as SaltBatch.<version>.nupkg' {
        Join-Path $Feed "SaltBatch.$Version.nupkg" | Should -Exist
    }

    It 'saves from a local folder repository registered only in an isolated PSResourceGet configuration' {
        $SaveOutput | Select-Object -Last 1 | Should -Be $Repository
        Join-Path $DataHome 'PSResourceGet/PSResourceRepository.xml' | Should -FileContentMatch $Repository
        Join-Path $Installed "SaltBatch/$Version/SaltBatch.psd1" | Should -Exist
    }

    It 'ships the module and its built help, and no symbols, dependency manifests or help sources' {
        $root = Join-Path $Installed "SaltBatch/$Version"
        Join-Path $root 'SaltBatch.dll' | Should -Exist
        Join-Path $root 'en-US/SaltBatch.dll-Help.xml' | Should -Exist
        Join-Path $root 'en-US/about_SaltBatch.help.txt' | Should -Exist
        Get-ChildItem -LiteralPath $root -Recurse -Include '*.pdb', '*.deps.json', '*.md', 'System.Management.Automation.dll' |
            Should -BeNullOrEmpty
        Join-Path $root 'help' | Should -Not -Exist
    }

    It 'declares the PowerShell it targets: 7.4 or later, Core edition' {
        $manifest = Import-PowerShellDataFile -Path (Join-Path $Installed "SaltBatch/$Version/SaltBatch.psd1")
        $manifest.PowerShellVersion | Should -Be '7.4'
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.Description | Should -Not -BeNullOrEmpty
        $manifest.PrivateData.PSData.Tags | Should -Contain 'Salt'
    }

    It 'imports by name from PSModulePath and lists the active batches' {
        $output = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
`$env:PSModulePath = '$Installed' + [System.IO.Path]::PathSeparator + `$env:PSModulePath
`$module = Import-Module SaltBatch -PassThru
'base=' + `$module.ModuleBase
'synopsis=' + (Get-Help Get-SaltActiveBatch).Synopsis
Get-SaltActiveBatch -CacheDir '$Cache' | ForEach-Object { 'jid=' + `$_.Jid }
"@

        $base = ($output | Where-Object { $_ -like 'base=*' }) -replace '^base=', ''
        $base | Should -BeLike "$(Join-Path $Installed 'SaltBatch')*"
        ($output | Where-Object { $_ -like 'synopsis=*' }) | Should -BeLike 'synopsis=Gets every batch*'
        @($output | Where-Object { $_ -like 'jid=*' }) | Should -Be @("jid=$RunningJid", "jid=$UpgradeJid")
    }
}

# The package (tools/New-ModulePackage.ps1, what build.ps1 -Task Package runs after building): it installs from a
# local folder repository, and the installed module imports by name and lists the sandbox master's active batches
# (the sandbox of build.ps1 -Task Sandbox, found through $env:SALT_MASTER_CONFIG alone).

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

    # A step a minute: the sandbox's batches stay where they are for the length of this file.
    $script:Sandbox = Start-TestSandbox -Root (Join-Path $TestDrive 'sandbox') -StepMilliseconds 60000
    $script:SandboxActive = @($Sandbox.Ready.batches | Where-Object fun -NE 'cmd.run' | ForEach-Object jid | Sort-Object)
}

AfterAll {
    if ($Sandbox) { Stop-TestSandbox $Sandbox }
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

    It 'imports by name from PSModulePath and lists the sandbox master''s active batches' {
        $output = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
`$env:SALT_MASTER_CONFIG = '$($Sandbox.Ready.config)'
`$env:PSModulePath = '$Installed' + [System.IO.Path]::PathSeparator + `$env:PSModulePath
`$module = Import-Module SaltBatch -PassThru
'base=' + `$module.ModuleBase
'synopsis=' + (Get-Help Get-SaltActiveBatch).Synopsis
Get-SaltActiveBatch | ForEach-Object { 'jid=' + `$_.Jid }
"@

        $base = ($output | Where-Object { $_ -like 'base=*' }) -replace '^base=', ''
        $base | Should -BeLike "$(Join-Path $Installed 'SaltBatch')*"
        ($output | Where-Object { $_ -like 'synopsis=*' }) | Should -BeLike 'synopsis=Gets every batch*'
        $SandboxActive.Count | Should -Be 3
        @($output | Where-Object { $_ -like 'jid=*' }) | Should -Be @($SandboxActive | ForEach-Object { "jid=$_" })
    }
}

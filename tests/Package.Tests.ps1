# The package (tools/New-ModulePackage.ps1, what build.ps1 -Task Package runs after building): it installs from a
# local folder repository, and the installed module imports by name and lists the sandbox master's active batches
# (the sandbox of build.ps1 -Task Sandbox, found through $env:SALT_MASTER_CONFIG alone). The installed module keeps
# its engine isolated: the checks of DependencyIsolation.Tests.ps1 run against it, imported by name.

BeforeDiscovery {
    $script:Sessions = foreach ($group in 'YamlDotNet', 'MessagePack', 'NetMQ') {
        foreach ($order in 'OthersFirst', 'SaltBatchFirst') { @{ Group = $group; Order = $order } }
    }
}

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
        Join-Path $root 'SaltBatch.Lifecycle.psm1' | Should -Exist
        Join-Path $root 'en-US/SaltBatch.dll-Help.xml' | Should -Exist
        Join-Path $root 'en-US/about_SaltBatch.help.txt' | Should -Exist
        Get-ChildItem -LiteralPath $root -Recurse -Include '*.pdb', '*.deps.json', '*.md', 'System.Management.Automation.dll' |
            Should -BeNullOrEmpty
        Join-Path $root 'help' | Should -Not -Exist
    }

    It 'ships the layout of module/: SaltBatch.dll alone where PowerShell probes, the engine and the rest in dependencies/' {
        $root = Join-Path $Installed "SaltBatch/$Version"
        $built = Split-Path -Parent (Get-SaltBatchModulePath)
        @(Get-ChildItem -LiteralPath $root -File -Filter '*.dll').Name | Should -Be @('SaltBatch.dll')
        @(Get-ChildItem -LiteralPath (Join-Path $root 'dependencies') -File).Name | Sort-Object |
            Should -Be @(Get-ChildItem -LiteralPath (Join-Path $built 'dependencies') -File).Name
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

Describe 'The installed package beside other versions of <Group>, <Order>' -ForEach $Sessions {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'OtherVersions.psm1') -Force
        $script:Other = Get-OtherVersionAssembly | Where-Object Group -EQ $Group
        $saved = $env:PSModulePath
        $env:PSModulePath = $Installed + [System.IO.Path]::PathSeparator + $saved
        try {
            $script:Report = Invoke-IsolationSession -Order $Order -OtherVersion $Other -Root (Join-Path $TestDrive "pkg-$Group-$($Order -creplace '[a-z]')") -Module SaltBatch
        }
        finally {
            $env:PSModulePath = $saved
        }
    }

    It 'imports by name and uses every cmdlet without an error' {
        $Report.PSObject.Properties['Failure'] | Should -BeNullOrEmpty
        $Report.Errors | Should -BeNullOrEmpty
        $Report.SaltBatch.Active | Should -Be @($Report.Jids.ReadJid, $Report.Jids.StopJid)
        @($Report.SaltBatch.History).Count | Should -Be 3
        $Report.SaltBatch.ActiveMinions | Should -Be @('web2', 'web3')
        $Report.SaltBatch.Completion | Should -Be @($Report.Jids.ReadJid, $Report.Jids.StopJid)
        $Report.SaltBatch.Help | Should -BeLike 'Stops Salt batch jobs*'
        $Report.Kills.tgt | Should -Be @('db1', 'db2')
        $Report.SaltBatch.Stopped.State | Should -Be 'Halted'
        $Report.SaltBatch.Waited.State | Should -Be 'Halted'
        $Report.SaltBatch.Started.State | Should -Be 'Running'
        $Report.SaltBatch.Started.Total | Should -Be 2
    }

    It 'loads the engine from the installed dependencies/ into its own context and leaves the other version to the other code' {
        $engine = @($Report.Loaded | Where-Object Name -EQ 'SaltBatch.Core')
        $engine.Context | Should -Be @('SaltBatch')
        $engine.Location | Should -Be (Join-Path $Installed "SaltBatch/$Version/dependencies/SaltBatch.Core.dll")
        $Report.OtherAfter.Version | Should -Be $Other.Versions[$Group]
        $Report.OtherAfter.Context | Should -Be 'Default'
        @($Report.Loaded | Where-Object Name -EQ $Group | ForEach-Object Context) | Should -Be @('Default', 'SaltBatch')
    }
}

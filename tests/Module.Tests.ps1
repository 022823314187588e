# The built module (module/) against its source manifest (SaltBatch.psd1).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ManifestPath = Get-SaltBatchModulePath
    $script:Manifest = Import-PowerShellDataFile -Path $script:ManifestPath
    $script:Module = Import-SaltBatchModule
}

Describe 'SaltBatch module' {
    It 'declares exactly the SaltBatch cmdlets in its manifest' {
        $script:Manifest.CmdletsToExport | Sort-Object |
            Should -Be @('Connect-SaltMaster', 'Disconnect-SaltMaster', 'Get-SaltActiveBatch', 'Get-SaltBatch', 'Get-SaltBatchMinion', 'Get-SaltMasterConfig', 'Get-SaltMasterConnection', 'Stop-SaltBatch', 'Wait-SaltBatch')
    }

    It 'exports exactly the cmdlets its manifest declares' {
        # Fails until the cmdlets exist in SaltBatch.dll: the manifest only filters what the DLL has.
        @($script:Module.ExportedCmdlets.Keys | Sort-Object) |
            Should -Be @($script:Manifest.CmdletsToExport | Sort-Object)
    }

    It 'exports no functions, aliases or variables' {
        $script:Module.ExportedFunctions.Count | Should -Be 0
        $script:Module.ExportedAliases.Count | Should -Be 0
        $script:Module.ExportedVariables.Count | Should -Be 0
    }

    It 'does not ship PowerShell''s own assemblies' {
        $moduleDir = Split-Path -Parent $script:ManifestPath
        Get-ChildItem -Path $moduleDir -Recurse -Include 'System.Management.Automation.dll', 'PowerShellStandard*' |
            Should -BeNullOrEmpty
    }
}

AfterAll {
    Remove-Module SaltBatch -ErrorAction SilentlyContinue
}

Describe 'SaltBatch module lifecycle' {
    It 'releases its process-wide resources (NetMQ) when the module is removed' {
        $script = @"
Import-Module '$(Get-SaltBatchModulePath)'
`$before = [SaltBatch.ModuleLifecycle]::ReleaseCount
Remove-Module SaltBatch
"`$before -> `$([SaltBatch.ModuleLifecycle]::ReleaseCount)"
"@
        Invoke-ChildPwsh -Script $script | Select-Object -Last 1 | Should -Be '0 -> 1'
    }
}

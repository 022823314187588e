# Source manifest of the SaltBatch module. build.ps1 copies it into module/, next to the built
# DLLs, so module/ is the importable module folder. Edit this file, never module/SaltBatch.psd1.
@{
    RootModule           = 'SaltBatch.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '34859611-353c-47ab-af83-169033dd877b'
    Author               = 'SaltBatch contributors'
    CompanyName          = 'SaltBatch contributors'
    Copyright            = '(c) SaltBatch contributors.'
    Description          = "PowerShell cmdlets for Salt's async batch jobs: start, list, follow, inspect and stop batches on a Salt master, from its job cache, event bus and request server on the master host, or through salt-api from a workstation, on several masters at once."
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')

    # Explicit lists: no wildcards, so module auto-loading and discovery stay fast and exact.
    CmdletsToExport      = @('Get-SaltBatch', 'Get-SaltActiveBatch', 'Get-SaltBatchMinion', 'Get-SaltMasterConfig', 'Start-SaltBatch', 'Stop-SaltBatch', 'Wait-SaltBatch', 'Restart-SaltBatch', 'Connect-SaltMaster', 'Get-SaltMasterConnection', 'Disconnect-SaltMaster', 'Install-SaltBatchRunner')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()

    FormatsToProcess     = @('SaltBatch.format.ps1xml')
    NestedModules        = @('SaltBatch.Lifecycle.psm1')

    PrivateData          = @{
        PSData = @{
            Tags         = @('Salt', 'SaltStack', 'Batch', 'Linux', 'PSEdition_Core')
            ReleaseNotes = '0.1.0: first preview (work in progress).'
        }
    }
}

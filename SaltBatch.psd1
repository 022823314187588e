# Source manifest of the SaltBatch module. build.ps1 copies it into module/, next to the built
# DLLs, so module/ is the importable module folder. Edit this file, never module/SaltBatch.psd1.
@{
    RootModule           = 'SaltBatch.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '34859611-353c-47ab-af83-169033dd877b'
    Author               = 'SaltBatch contributors'
    CompanyName          = 'SaltBatch contributors'
    Copyright            = '(c) SaltBatch contributors.'
    Description          = "PowerShell cmdlets for Salt's batch runner on a Salt master: batch status, active batches, master configuration and stopping a batch, read from the master's job cache and spoken over its event bus and request server."
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')

    # Explicit lists: no wildcards, so module auto-loading and discovery stay fast and exact.
    CmdletsToExport      = @('Get-SaltBatch', 'Get-SaltActiveBatch', 'Get-SaltBatchMinion', 'Get-SaltMasterConfig', 'Start-SaltBatch', 'Stop-SaltBatch', 'Wait-SaltBatch', 'Connect-SaltMaster', 'Get-SaltMasterConnection', 'Disconnect-SaltMaster')
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

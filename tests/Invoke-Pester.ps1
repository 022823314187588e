<#
.SYNOPSIS
    Runs the Pester tests; started by build.ps1 -Task Test in a child pwsh.

.DESCRIPTION
    Runs every *.Tests.ps1 under -TestPath, writes NUnit XML to -ResultPath and a small JSON
    summary ({ Passed, Failed, Skipped, Result }) to -SummaryPath for build.ps1 to add up.
    Expects the SALTBATCH_* environment variables that build.ps1 sets (see TestHelpers.psm1).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultPath,
    [Parameter(Mandatory)] [string] $SummaryPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

# The pinned Pester from .tools, never a Pester that happens to be on PSModulePath
# (pwsh ships none, but a developer machine may have an old 3.x one).
Import-Module $PesterManifest -Force

$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Run.Exit = $false          # the summary file, not Pester, reports to build.ps1
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $ResultPath

$run = Invoke-Pester -Configuration $config

# Failed counts what Pester itself counts as failed for its own exit code: failed tests plus
# failed BeforeAll/AfterAll blocks plus files that could not be discovered at all (a broken
# test file must not vanish as "0 tests"). Inconclusive results are reported as skipped.
$summary = [ordered]@{
    Passed  = $run.PassedCount
    Failed  = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount
    Skipped = $run.SkippedCount + $run.InconclusiveCount
    Result  = $run.Result
}
$summary | ConvertTo-Json | Set-Content -Path $SummaryPath -Encoding utf8

if ($summary.Failed -gt 0) { exit 1 }
exit 0

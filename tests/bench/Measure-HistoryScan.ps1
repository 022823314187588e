<#
.SYNOPSIS
    Measures how long Get-SaltBatch takes to list the batch history of a large job cache, in a fresh pwsh process.
.DESCRIPTION
    Generates (once, kept for the next run) a cache of -JobDirectories job directories, -Batches of them batches and
    the rest ordinary jobs with a minion folder each, on disk under -WorkDir (a real master's cache is on disk, not in
    memory). Then, in a child pwsh: imports the module, times the first listing (which includes loading and JIT) and
    -Runs more, and prints one JSON object; the README records a run. The kernel's page cache is warm after the
    generation, so this is the time of a scan on a master that touched its cache recently.
.EXAMPLE
    dotnet pwsh ./tests/bench/Measure-HistoryScan.ps1
#>
[CmdletBinding()]
param(
    [string] $WorkDir = (Join-Path ([System.IO.Path]::GetTempPath()) 'saltbatch-history-scan'),
    [int] $JobDirectories = 20000,
    [int] $Batches = 50,
    [int] $Runs = 5
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force

$cache = Join-Path $WorkDir "cache-$JobDirectories-$Batches"
if (-not (Test-Path (Join-Path $cache 'jobs'))) {
    $start = [datetime]::new(2026, 3, 1, 0, 0, 0, [DateTimeKind]::Utc)
    $null = New-SaltTestCache -Path $cache -Spec @{
        nonBatchJobs = $JobDirectories - $Batches
        batches      = @(0..($Batches - 1) | ForEach-Object {
                $created = $start.AddMinutes(17 * $_)
                @{ jid = $created.ToString('yyyyMMddHHmmssffffff'); fun = 'state.apply'; tgt = 'web*'; total = 40; done = 20; active = 5; batchSize = 5; created = [double]([DateTimeOffset]$created).ToUnixTimeSeconds() }
            })
    }
}

$script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-SaltBatchModulePath)'
`$ProgressPreference = 'SilentlyContinue'
`$first = Measure-Command { `$found = @(Get-SaltBatch -CacheDir '$cache') }
`$warm = @(1..$Runs | ForEach-Object { (Measure-Command { `$null = Get-SaltBatch -CacheDir '$cache' }).TotalSeconds } | Sort-Object)
[ordered]@{ found = `$found.Count; firstSeconds = `$first.TotalSeconds; warmMedianSeconds = `$warm[[int][math]::Floor(`$warm.Count / 2)]; warmMinSeconds = `$warm[0] } | ConvertTo-Json -Compress
"@
$result = Invoke-ChildPwsh -Script $script | Select-Object -Last 1 | ConvertFrom-Json
[pscustomobject]@{
    JobDirectories    = $JobDirectories
    Batches           = $Batches
    Found             = $result.found
    FirstSeconds      = [math]::Round($result.firstSeconds, 3)
    WarmMedianSeconds = [math]::Round($result.warmMedianSeconds, 3)
    WarmMinSeconds    = [math]::Round($result.warmMinSeconds, 3)
}

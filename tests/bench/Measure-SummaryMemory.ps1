<#
.SYNOPSIS
    Measures how much memory Get-SaltBatch needs to summarise a large .batch.p, in a fresh pwsh process.
.DESCRIPTION
    Generates (once) a cache holding one batch of -Minions minions whose returns are -ReturnBytes each — with the
    defaults a .batch.p of about 110 MB, what a state.apply over a few thousand minions leaves — then, in a child
    pwsh: imports the module, warms it up on the same file's directory layout with a small batch, resets the
    kernel's peak-RSS counter (/proc/self/clear_refs), records the resident set as the baseline, summarises the
    large batch and reads the peak (VmHWM). Prints one JSON object; the README records a run.
.EXAMPLE
    dotnet pwsh ./tests/bench/Measure-SummaryMemory.ps1
#>
[CmdletBinding()]
param(
    [string] $WorkDir = (Join-Path ([System.IO.Path]::GetTempPath()) 'saltbatch-memory'),
    [int] $Minions = 2200,
    [int] $ReturnBytes = 50000
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force

$largeJid = '20240610140000000000'
$smallJid = '20240610140500000000'
$cache = Join-Path $WorkDir "cache-$Minions-$ReturnBytes"
if (-not (Test-Path (Join-Path $cache 'batch_active.p'))) {
    $null = New-SaltTestCache -Path $cache -Spec @{
        batches     = @(
            @{ jid = $largeJid; fun = 'state.apply'; tgt = '*'; total = $Minions; done = $Minions - 20; active = 20; batchSize = 20; returnBytes = $ReturnBytes; created = 1718020800.0; lastProgress = 1718024400.0 }
            @{ jid = $smallJid; fun = 'test.ping'; tgt = '*'; total = 3; done = 1; active = 1; batchSize = 1; created = 1718020800.0; lastProgress = 1718020801.0 }
        )
        activeIndex = @($largeJid, $smallJid)
    }
}

$file = Get-BatchStatePath -CacheDir $cache -Jid $largeJid
$script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-SaltBatchModulePath)'
`$null = Get-SaltBatch -CacheDir '$cache' -Jid $smallJid
[GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
function Get-StatusKb([string] `$name) { [long]((Get-Content /proc/self/status | Where-Object { `$_ -like "`${name}:*" } | Select-Object -First 1) -replace '\D', '') }
# Writing 5 resets VmHWM (peak RSS); the proc file refuses the truncating opens of Set-Content.
`$reset = [IO.FileStream]::new('/proc/self/clear_refs', 'Open', 'Write'); `$reset.Write([byte[]](0x35), 0, 1); `$reset.Dispose()
`$baseline = Get-StatusKb VmRSS
`$watch = [Diagnostics.Stopwatch]::StartNew()
`$batch = Get-SaltBatch -CacheDir '$cache' -Jid $largeJid
`$watch.Stop()
`$peak = Get-StatusKb VmHWM
[ordered]@{ completed = `$batch.Completed; baselineKb = `$baseline; peakKb = `$peak; seconds = `$watch.Elapsed.TotalSeconds } | ConvertTo-Json -Compress
"@
$childOutput = Invoke-ChildPwsh -Script $script
$measured = $childOutput | Select-Object -Last 1 | ConvertFrom-Json
if ($null -eq $measured -or $null -eq $measured.PSObject.Properties['completed']) { throw "The measuring process failed: $($childOutput -join [Environment]::NewLine)" }
[pscustomobject][ordered]@{
    FileMB           = [math]::Round((Get-Item -Force -LiteralPath $file).Length / 1MB, 1)
    Minions          = $Minions
    Completed        = $measured.completed
    BaselineMB       = [math]::Round($measured.baselineKb / 1024, 1)
    PeakMB           = [math]::Round($measured.peakKb / 1024, 1)
    PeakAboveBaseMB  = [math]::Round(($measured.peakKb - $measured.baselineKb) / 1024, 1)
    SummarySeconds   = [math]::Round($measured.seconds, 3)
}

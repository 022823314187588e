<#
.SYNOPSIS
    Measures JID tab completion with many large active batches, in a fresh pwsh process.
.DESCRIPTION
    Generates (once) a cache with -Batches active batches of -Minions minions each (half of them returned), then in a
    child pwsh imports the module, times the first (cold) completion, which reads every matching .batch.p, then times
    -Iterations repeated completions, which re-read only files whose length or write time changed, of
    `Stop-SaltBatch -Jid <tab>` (every batch offered) and of a prefix that matches a tenth of them, through
    TabExpansion2 as the console does. Prints one object with the median and 95th-percentile milliseconds.
.EXAMPLE
    dotnet pwsh ./tests/bench/Measure-JidCompletion.ps1
#>
[CmdletBinding()]
param(
    [string] $WorkDir = (Join-Path ([System.IO.Path]::GetTempPath()) 'saltbatch-completion'),
    [int] $Batches = 1000,
    [int] $Minions = 1000,
    [int] $Iterations = 20
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force

$cache = Join-Path $WorkDir "cache-$Batches-$Minions"
$jids = 0..($Batches - 1) | ForEach-Object { '2026112812{0:D4}{1:D6}' -f [int][math]::Floor($_ / 100), ($_ % 100) }
if (-not (Test-Path (Join-Path $cache 'batch_active.p'))) {
    $null = New-SaltTestCache -Path $cache -Spec @{
        batches     = @($jids | ForEach-Object { @{ jid = $_; fun = 'state.apply'; tgt = 'web*'; total = $Minions; done = [int]($Minions / 2); active = 10; batchSize = 10; returnBytes = 0 } })
        activeIndex = @($jids)
    }
}

$prefix = $jids[0].Substring(0, 17)
$script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-SaltBatchModulePath)'
function Measure-Completion([string] `$line) {
    `$first = [Diagnostics.Stopwatch]::StartNew()
    `$null = TabExpansion2 -inputScript `$line -cursorColumn `$line.Length
    `$first.Stop()
    `$times = foreach (`$i in 1..$Iterations) {
        `$watch = [Diagnostics.Stopwatch]::StartNew()
        `$result = TabExpansion2 -inputScript `$line -cursorColumn `$line.Length
        `$watch.Stop()
        `$watch.Elapsed.TotalMilliseconds
    }
    `$sorted = `$times | Sort-Object
    [ordered]@{ matches = `$result.CompletionMatches.Count; firstMs = `$first.Elapsed.TotalMilliseconds; medianMs = `$sorted[[int](`$sorted.Count / 2)]; p95Ms = `$sorted[[int][math]::Floor(`$sorted.Count * 0.95)] }
}
# The prefix case runs first so that its first completion is cold as well.
`$prefixCase = Measure-Completion "Stop-SaltBatch -CacheDir '$cache' -Jid $prefix"
`$allCase = Measure-Completion "Stop-SaltBatch -CacheDir '$cache' -Jid "
[ordered]@{ all = `$allCase; prefix = `$prefixCase } | ConvertTo-Json -Compress
"@
$measured = Invoke-ChildPwsh -Script $script | Select-Object -Last 1 | ConvertFrom-Json
$sizeMB = [math]::Round(((Get-ChildItem -Force -Recurse -File -LiteralPath $cache | Measure-Object Length -Sum).Sum) / 1MB, 1)
foreach ($case in 'all', 'prefix') {
    [pscustomobject][ordered]@{
        Case       = $case
        Batches    = $Batches
        Minions    = $Minions
        CacheMB    = $sizeMB
        Matches    = $measured.$case.matches
        FirstMs    = [math]::Round($measured.$case.firstMs, 1)
        MedianMs   = [math]::Round($measured.$case.medianMs, 1)
        P95Ms      = [math]::Round($measured.$case.p95Ms, 1)
    }
}

<#
.SYNOPSIS
    Measures what importing SaltBatch and running the first Get-SaltActiveBatch costs over a bare pwsh start, for two
    builds of the module in the same run (before and after a change), and can record it in docs/benchmarks.md.
.DESCRIPTION
    Generates (once) a job cache with -Batches active batches and a master config file pointing at it. Then, for
    -Iterations rounds, interleaved so that the machine's background load falls on all alike, starts fresh pwsh
    processes (`dotnet pwsh.dll -NoProfile -NonInteractive -Command ...`, as the tests do):
      bare     `exit`: the pwsh start itself
      before   Import-Module <-Before>; Get-SaltActiveBatch -ConfigPath <config>
      after    the same with <-After>
    and records each process's wall time, plus, inside the process, a stopwatch around the import and the first call
    (cold: loading, JIT, reading the YAML config and the index). Prints one row per case with medians; the cost over
    a bare start is the median wall time minus the bare median.

    -Before is typically an older build of the module (for engine isolation: the commit before it, built in a
    separate worktree: `git worktree add /tmp/saltbatch-before <commit>; cd /tmp/saltbatch-before; dotnet tool
    restore; dotnet pwsh ./build.ps1`). -UpdateDocument writes the section "## Import cost" of docs/benchmarks.md
    (tests/bench/Invoke-Benchmarks.ps1 keeps that section when it rewrites the file).
.EXAMPLE
    dotnet pwsh ./tests/bench/Measure-ImportCost.ps1 -Before /tmp/saltbatch-before/module/SaltBatch.psd1 -UpdateDocument
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Before,
    [string] $After = (Join-Path $PSScriptRoot '../../module/SaltBatch.psd1'),
    [string] $BeforeLabel = 'before',
    [string] $AfterLabel = 'after',
    [int] $Iterations = 15,
    [int] $Batches = 10,
    [string] $WorkDir = (Join-Path ([System.IO.Path]::GetTempPath()) 'saltbatch-import-cost'),
    [switch] $UpdateDocument,
    [string] $Document = (Join-Path $PSScriptRoot '../../docs/benchmarks.md')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force

$Before = (Resolve-Path -LiteralPath $Before).Path
$After = (Resolve-Path -LiteralPath $After).Path
$cache = Join-Path $WorkDir "cache-$Batches"
$config = Join-Path $WorkDir 'master'
if (-not (Test-Path (Join-Path $cache 'batch_active.p'))) {
    $jids = 1..$Batches | ForEach-Object { '2026113012{0:D2}00000000' -f $_ }
    $null = New-SaltTestCache -Path $cache -Spec @{
        batches     = @($jids | ForEach-Object { @{ jid = $_; fun = 'state.apply'; tgt = 'web*'; total = 40; done = 20; active = 5; batchSize = 5 } })
        activeIndex = @($jids)
    }
}
Set-Content -LiteralPath $config -Value "cachedir: $cache"

$dotnet = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
$pwsh = Join-Path $PSHOME 'pwsh.dll'

function Measure-Process([string] $command) {
    $start = [System.Diagnostics.ProcessStartInfo]::new($dotnet)
    foreach ($argument in $pwsh, '-NoProfile', '-NonInteractive', '-Command', $command) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($start)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    $process.WaitForExit()
    $watch.Stop()
    if ($process.ExitCode -ne 0) { throw "pwsh -Command '$command' failed ($($process.ExitCode)): $($stderr.Result)" }
    [pscustomobject]@{ WallMs = $watch.Elapsed.TotalMilliseconds; Output = $stdout.Result.Trim() }
}

function Get-ImportCommand([string] $manifest) {
    # Wall time and CPU time (all threads, JIT included) of the import and the first call, inside the process.
    "`$self = [Diagnostics.Process]::GetCurrentProcess(); `$cpu = `$self.TotalProcessorTime; `$watch = [Diagnostics.Stopwatch]::StartNew(); " +
    "Import-Module '$($manifest -replace "'", "''")'; " +
    "`$found = @(Get-SaltActiveBatch -ConfigPath '$($config -replace "'", "''")' -ErrorAction Stop).Count; `$watch.Stop(); `$self.Refresh(); " +
    "'{0} {1} {2}' -f `$found, `$watch.Elapsed.TotalMilliseconds.ToString([cultureinfo]::InvariantCulture), (`$self.TotalProcessorTime - `$cpu).TotalMilliseconds.ToString([cultureinfo]::InvariantCulture)"
}

function Get-LoadAverage { if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0] } else { 'n/a' } }
$loadAtStart = Get-LoadAverage
$cases = [ordered]@{ bare = 'exit'; $BeforeLabel = (Get-ImportCommand $Before); $AfterLabel = (Get-ImportCommand $After) }
$samples = @{}
foreach ($name in $cases.Keys) { $samples[$name] = [System.Collections.Generic.List[object]]::new() }
# One warm-up round: the first start after a build pays for the disk cache, not for the module.
foreach ($name in $cases.Keys) { $null = Measure-Process $cases[$name] }
for ($round = 1; $round -le $Iterations; $round++) {
    foreach ($name in $cases.Keys) {
        $measured = Measure-Process $cases[$name]
        if ($name -ne 'bare') {
            $found, $insideMs, $cpuMs = $measured.Output -split ' '
            if ([int] $found -ne $Batches) { throw "$name listed $found active batches, expected $Batches." }
            $measured | Add-Member InsideMs ([double]::Parse($insideMs, [cultureinfo]::InvariantCulture))
            $measured | Add-Member CpuMs ([double]::Parse($cpuMs, [cultureinfo]::InvariantCulture))
        }
        $samples[$name].Add($measured)
    }
    Write-Verbose "round $round of $Iterations"
}

function Get-Median([double[]] $values) {
    $sorted = $values | Sort-Object
    if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}

$bareMs = Get-Median $samples.bare.WallMs
$rows = foreach ($name in $cases.Keys) {
    $wall = Get-Median $samples[$name].WallMs
    [pscustomobject][ordered]@{
        Case                 = $name
        Module               = if ($name -eq $BeforeLabel) { $Before } elseif ($name -eq $AfterLabel) { $After } else { '' }
        WallMedianMs         = [math]::Round($wall, 1)
        OverBareMs           = if ($name -eq 'bare') { 0 } else { [math]::Round($wall - $bareMs, 1) }
        ImportAndFirstCallMs = if ($name -eq 'bare') { $null } else { [math]::Round((Get-Median $samples[$name].InsideMs), 1) }
        InsideMinMs          = if ($name -eq 'bare') { $null } else { [math]::Round(($samples[$name].InsideMs | Measure-Object -Minimum).Minimum, 1) }
        InsideMaxMs          = if ($name -eq 'bare') { $null } else { [math]::Round(($samples[$name].InsideMs | Measure-Object -Maximum).Maximum, 1) }
        CpuMedianMs          = if ($name -eq 'bare') { $null } else { [math]::Round((Get-Median $samples[$name].CpuMs), 1) }
    }
}
$rows

if ($UpdateDocument) {
    $beforeRow = $rows | Where-Object Case -EQ $BeforeLabel
    $afterRow = $rows | Where-Object Case -EQ $AfterLabel
    function Format-Change([double] $from, [double] $to) {
        $delta = [math]::Round($to - $from, 1)
        "$(if ($delta -ge 0) { '+' })$delta ms ($(if ($from) { "$(if ($delta -ge 0) { '+' })$([math]::Round(100 * $delta / $from, 1))" } else { 0 })%)"
    }
    $section = @(
        '## Import cost'
        ''
        "Measured $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC by ``tests/bench/Measure-ImportCost.ps1`` ($Iterations interleaved rounds of fresh ``pwsh -NoProfile`` processes, $([Environment]::ProcessorCount) cores shared with other work, load average $loadAtStart at the start and $(Get-LoadAverage) at the end; PowerShell $($PSVersionTable.PSVersion), .NET $([Environment]::Version)): ``Import-Module`` + the first ``Get-SaltActiveBatch -ConfigPath <master config>`` ($Batches active batches), cold, for $BeforeLabel and $AfterLabel in the same run."
        ''
        '| Case | Process wall time, median ms | Over a bare pwsh start, ms | Import + first call inside the process, median ms (min-max) | Its CPU time (all threads), median ms |'
        '|---|---:|---:|---:|---:|'
    ) + ($rows | ForEach-Object {
        if ($_.Case -eq 'bare') { "| bare pwsh (``exit``) | $($_.WallMedianMs) | - | - | - |" }
        else { "| $($_.Case) | $($_.WallMedianMs) | $($_.OverBareMs) | $($_.ImportAndFirstCallMs) ($($_.InsideMinMs)-$($_.InsideMaxMs)) | $($_.CpuMedianMs) |" }
    }) + @(
        ''
        "$AfterLabel against ${BeforeLabel}: over a bare start $(Format-Change $beforeRow.OverBareMs $afterRow.OverBareMs); import + first call $(Format-Change $beforeRow.ImportAndFirstCallMs $afterRow.ImportAndFirstCallMs) wall, $(Format-Change $beforeRow.CpuMedianMs $afterRow.CpuMedianMs) CPU."
        ''
        'Wall times on a shared machine move by tens of milliseconds from run to run (see min-max); the CPU time of the import and the first call is the steadier figure. Reproduce: build the commit to compare with in a separate worktree, then `dotnet pwsh ./tests/bench/Measure-ImportCost.ps1 -Before <that worktree>/module/SaltBatch.psd1 -UpdateDocument`.'
    )
    $text = if (Test-Path -LiteralPath $Document) { Get-Content -Raw -LiteralPath $Document } else { "# Benchmarks`n" }
    $block = ($section -join "`n") + "`n`n"
    # Replaces the section where it is; a first one goes before "## Reproduce", or at the end.
    $existing = [regex]::Match($text, '(?ms)^## Import cost\r?\n.*?(?=^## |\z)')
    $reproduce = [regex]::Match($text, '(?m)^## Reproduce')
    $text = if ($existing.Success) { $text.Remove($existing.Index, $existing.Length).Insert($existing.Index, $block) }
    elseif ($reproduce.Success) { $text.Insert($reproduce.Index, $block) }
    else { $text.TrimEnd() + "`n`n" + $block }
    Set-Content -LiteralPath $Document -Value $text.TrimEnd() -Encoding utf8NoBOM
    Write-Host "==> wrote the import cost to $Document"
}

<#
.SYNOPSIS
    Measures Get-SaltActiveBatch through salt-api: 200 active batches on one master, and 5 such masters in parallel
    against one.
.DESCRIPTION
    Generates (once) a cache of -Batches active batches of -Minions minions each, copies it for -Masters simulated
    masters, and starts each with the simulated salt-api (TestKit simulate-master --api, HTTPS). The simulated runner
    answers at once unless -RunnerDelayMs adds what a real master spends per runner call (salt-api hands the call to
    the master, which forks the runner and returns its result as an event: typically hundreds of ms). In a child
    pwsh with the module it connects to every master, warms up, then times -Iterations calls each of:
    one master; all masters in one call (-Master m1, m2, ...: fanned out in parallel); and the same masters one call
    after the other (what the sum would be). Prints one object per delay with the medians in ms.

    Everything runs on this machine: the masters, salt-api and the client share its cores, so with no added delay the
    parallel case is bound by the CPU, not by waiting.
.EXAMPLE
    dotnet pwsh ./tests/bench/Measure-RemoteListActive.ps1 -RunnerDelayMs 0, 500
#>
[CmdletBinding()]
param(
    [string] $WorkDir = (Join-Path ([System.IO.Path]::GetTempPath()) 'saltbatch-remote'),
    [int] $Batches = 200,
    [int] $Minions = 1000,
    [int] $Masters = 5,
    [int[]] $RunnerDelayMs = @(0, 500),
    [int] $Iterations = 7,
    # Return the markdown section for docs/benchmarks.md instead of objects.
    [switch] $Markdown
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force

$cache = Join-Path $WorkDir "cache-$Batches-$Minions"
$jids = 0..($Batches - 1) | ForEach-Object { '2026113012{0:D4}{1:D6}' -f [int][math]::Floor($_ / 100), ($_ % 100) }
if (-not (Test-Path (Join-Path $cache 'batch_active.p'))) {
    $null = New-SaltTestCache -Path $cache -Spec @{
        batches     = @($jids | ForEach-Object { @{ jid = $_; fun = 'state.apply'; tgt = 'web*'; total = $Minions; done = [int]($Minions / 2); active = 10; batchSize = 10; returnBytes = 0 } })
        activeIndex = @($jids)
    }
}

$rows = foreach ($delay in $RunnerDelayMs) {
    $started = @()
    try {
        foreach ($index in 1..$Masters) {
            $root = Join-Path $WorkDir "master-$delay-$index"
            Remove-Item -Recurse -Force -LiteralPath $root -ErrorAction SilentlyContinue
            $null = New-Item -ItemType Directory -Path $root
            Copy-Item -Recurse -LiteralPath $cache -Destination (Join-Path $root 'cachedir')
            $started += Start-SimulatedMaster -Root $root -ExtraArgs @('--api', '--api-delay-ms', "$delay")
        }

        $uris = ($started | ForEach-Object { "'$($_.Ready.apiUri)'" }) -join ', '
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-SaltBatchModulePath)'
`$credential = [pscredential]::new('saltbatch', (ConvertTo-SecureString 'saltbatch-password' -AsPlainText -Force))
`$names = @(); `$i = 0
foreach (`$uri in @($uris)) { `$i++; `$names += (Connect-SaltMaster -Uri `$uri -Credential `$credential -Name "m`$i" -SkipCertificateCheck).Name }
function Measure-Median([scriptblock] `$call) {
    `$null = & `$call
    `$times = foreach (`$n in 1..$Iterations) { `$watch = [Diagnostics.Stopwatch]::StartNew(); `$count = @(& `$call).Count; `$watch.Stop(); `$watch.Elapsed.TotalMilliseconds }
    [ordered]@{ medianMs = (`$times | Sort-Object)[[int](`$times.Count / 2)]; count = `$count }
}
`$one = Measure-Median { Get-SaltActiveBatch -Master m1 }
`$parallel = Measure-Median { Get-SaltActiveBatch -Master `$names }
`$sequential = Measure-Median { foreach (`$name in `$names) { Get-SaltActiveBatch -Master `$name } }
[ordered]@{ one = `$one; parallel = `$parallel; sequential = `$sequential } | ConvertTo-Json -Compress
"@
        $measured = Invoke-ChildPwsh -Script $script | Select-Object -Last 1 | ConvertFrom-Json
        [pscustomobject][ordered]@{
            RunnerDelayMs  = $delay
            Batches        = $Batches
            Minions        = $Minions
            Masters        = $Masters
            OneMasterMs    = [math]::Round($measured.one.medianMs, 1)
            ParallelMs     = [math]::Round($measured.parallel.medianMs, 1)
            SequentialMs   = [math]::Round($measured.sequential.medianMs, 1)
            ParallelCount  = $measured.parallel.count
            ParallelVsOne  = [math]::Round($measured.parallel.medianMs / $measured.one.medianMs, 2)
        }
    }
    finally {
        foreach ($master in $started) { Stop-SimulatedMaster $master }
    }
}

if (-not $Markdown) {
    return $rows
}

@(
    '## Get-SaltActiveBatch through salt-api (one master, and several in parallel)'
    ''
    "tests/bench/Measure-RemoteListActive.ps1: $Batches active batches of $Minions minions on each master, served by the simulated salt-api (HTTPS, TestKit simulate-master --api) on this machine; median of $Iterations warm calls in a fresh pwsh. `"Runner delay`" is added by the simulated master to every runner call, as a real master spends it forking the runner and returning its result over the event bus."
    ''
    '| Runner delay ms | One master ms | 5 masters, one call (parallel) ms | 5 masters one after the other ms | Parallel / one |'
    '|---:|---:|---:|---:|---:|'
) + ($rows | ForEach-Object { "| $($_.RunnerDelayMs) | $($_.OneMasterMs) | $($_.ParallelMs) | $($_.SequentialMs) | $($_.ParallelVsOne)x |" }) + @(
    ''
    'The masters, their salt-api and the client share the 2 cores here; with no added delay the five simulated runners compete for them, so the parallel call is bound by the CPU. With a realistic runner delay the five calls overlap, and the wall time stays close to one master''s.'
)

<#
.SYNOPSIS
    Measures Start-SaltBatch against a simulated master with many minions that all answer the ping, in a fresh pwsh.
.DESCRIPTION
    Starts the TestKit's simulated master with -Minions accepted minions, all answering test.ping at once, then in a
    child pwsh imports the module and times Start-SaltBatch -Target 'minion*' -BatchSize 10% from call to return:
    the first call (cold: JIT, the event-bus framing probe) and -Iterations more. The ping's share is the time from
    the test.ping publish to the last answer, as the cmdlet reports it with -Verbose. -PingTimeoutSec is 600, so a ping
    that waited out its timeout instead of ending at the last answer would show as ten minutes. Prints one object.
.EXAMPLE
    dotnet pwsh ./tests/bench/Measure-BatchStart.ps1
#>
[CmdletBinding()]
param(
    [string] $WorkDir = (Join-Path ([System.IO.Path]::GetTempPath()) ("saltbatch-start-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 8))),
    [int] $Minions = 1000,
    [int] $Iterations = 10
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force

$ids = 1..$Minions | ForEach-Object { 'minion{0:D4}.example.com' -f $_ }
$master = Start-SimulatedMaster -Root $WorkDir -User (& id -un) -ExtraArgs @('--accepted-minions', ($ids -join ','))
try {
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-SaltBatchModulePath)'
function Measure-Start {
    `$watch = [Diagnostics.Stopwatch]::StartNew()
    `$output = Start-SaltBatch -ConfigPath '$($master.ConfigPath)' -Target 'minion*' -Function state.apply -BatchSize 10% -PingTimeoutSec 600 -Verbose 4>&1
    `$watch.Stop()
    `$batch = `$output | Where-Object { `$_ -is [SaltBatch.SaltBatchInfo] }
    `$ping = `$output | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] } | Where-Object Message -Match 'answered in ([0-9.]+)s' | Select-Object -First 1
    if (-not `$ping -or -not (`$ping.Message -match 'answered in ([0-9.]+)s')) { throw 'no ping timing in the verbose output' }
    [ordered]@{ totalMs = `$watch.Elapsed.TotalMilliseconds; pingMs = [double]`$Matches[1] * 1000; total = `$batch.Total; batchSize = `$batch.BatchSize }
}
`$first = Measure-Start
`$runs = @(foreach (`$i in 1..$Iterations) { Measure-Start })
[ordered]@{ first = `$first; runs = `$runs } | ConvertTo-Json -Depth 4 -Compress
"@
    $measured = Invoke-ChildPwsh -Script $script | Select-Object -Last 1 | ConvertFrom-Json
}
finally {
    Stop-SimulatedMaster $master
    Remove-Item -Recurse -Force -LiteralPath $WorkDir -ErrorAction SilentlyContinue
}

function Median([double[]] $values) { ($values | Sort-Object)[[int][math]::Floor($values.Count / 2)] }
$runs = @($measured.runs)
if (@($runs | Where-Object total -NE $Minions).Count -gt 0) { throw "A run did not start a batch of all $Minions minions." }
$medianTotal = Median ($runs | ForEach-Object totalMs)
$medianPing = Median ($runs | ForEach-Object pingMs)
[pscustomobject][ordered]@{
    Minions          = $Minions
    BatchSize        = $runs[0].batchSize
    Runs             = $runs.Count
    FirstMs          = [math]::Round($measured.first.totalMs, 1)
    FirstPingMs      = [math]::Round($measured.first.pingMs, 1)
    MedianMs         = [math]::Round($medianTotal, 1)
    MedianPingMs     = [math]::Round($medianPing, 1)
    PingSharePercent = [math]::Round(100 * $medianPing / $medianTotal)
    MaxMs            = [math]::Round(($runs | Measure-Object totalMs -Maximum).Maximum, 1)
}

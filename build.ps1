<#
.SYNOPSIS
    Builds, tests or opens a shell on the SaltBatch module.

.DESCRIPTION
    Build  dotnet build of SaltBatch.sln, then assembles the importable module in module/
           (module/ is the module folder: manifest + SaltBatch.dll + the checked-in format/lifecycle files;
           SaltBatch.Core and its third-party assemblies in module/dependencies/, for the private load context)
           and builds its help (module/en-US) from the markdown in module/help (tools/Build-Help.ps1).
    Package
           Build, then packs module/ into artifacts/SaltBatch.<version>.nupkg, installable with
           Install-PSResource / Save-PSResource from a local folder repository (tools/New-ModulePackage.ps1).
    Test   Build, then xunit (tests/SaltBatch.Core.Tests) and Pester (tests/*.Tests.ps1, run in
           a child pwsh). Ends with exactly one line "N passed, N failed, N skipped" for both
           runners together; exits non-zero if anything failed or a runner could not run.
    Shell  Build, then an interactive child pwsh with the built module imported.
    Sandbox
           Build, start a simulated Salt master (TestKit `sandbox`: a few batches that progress over
           about a minute) in a temp directory, then an interactive child pwsh with the module
           imported and $env:SALT_MASTER_CONFIG pointing at it; the master stops when the shell exits.
           With -NoShell it only starts the master (it keeps running), prints its config path and
           how to stop it, and returns: for scripts and other tools.

    Run it through the repository's local PowerShell tool:
        dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Shell', 'Sandbox', 'Package', 'Bench')]
    [string] $Task = 'Build',

    # Sandbox only: start the simulated master and return instead of opening a shell.
    [switch] $NoShell,

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$RepoRoot = $PSScriptRoot
$ModuleDir = Join-Path $RepoRoot 'module'
$ModuleManifest = Join-Path $ModuleDir 'SaltBatch.psd1'
$ModuleAssembly = 'SaltBatch.dll'
$DependenciesDir = Join-Path $ModuleDir 'dependencies'
$ResultsDir = Join-Path $RepoRoot 'artifacts/test-results'
$PackageDir = Join-Path $RepoRoot 'artifacts'
$PesterVersion = '5.7.1'
$PesterDir = Join-Path $RepoRoot '.tools/pester'
$PesterManifest = Join-Path $PesterDir "pester/$PesterVersion/tools/Pester.psd1"

# Checked-in sources that live inside module/; everything else there is build output (en-US/ too:
# it is built from help/). Keep in sync with the module/ exceptions in .gitignore.
$ModuleSources = @('SaltBatch.format.ps1xml', 'SaltBatch.Lifecycle.psm1', 'help')

# Build output that does not ship: symbols are for developers, pwsh never reads a module's .deps.json,
# and it never loads from runtimes/ (which only holds a Windows build of a crypto dependency).
$NotShipped = @('*.pdb', '*.deps.json', 'runtimes')

# These come from PowerShellStandard.Library (a compile-time reference). The host pwsh provides
# the real ones; a copy in module/ would shadow or clash with them, so it must never ship.
$ForbiddenInModule = @('System.Management.Automation.dll', 'PowerShellStandard*')

# Environment for every child process (dotnet, the Pester pwsh, the Shell pwsh): quiet, no
# telemetry, no update checks, and certificate revocation checks that work offline.
$env:NUGET_CERT_REVOCATION_MODE = 'offline'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:POWERSHELL_UPDATECHECK = 'Off'
if ($env:CI -eq 'true') {
    # CI logs are plain text: NO_COLOR for the children (pwsh, Pester and dotnet honour it),
    # and PlainText for this session, which decided its rendering before we set NO_COLOR.
    $env:NO_COLOR = '1'
    $PSStyle.OutputRendering = 'PlainText'
}

function Invoke-Native {
    # Runs a native command with output going straight to the log, and throws on a non-zero
    # exit code (pwsh does not do that by itself for native commands).
    param([Parameter(Mandatory)] [string] $FilePath, [string[]] $ArgumentList = @())
    # Out-Host: the output is for the log, never part of a caller's return value.
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Get-TestKitPath {
    # The TFM folder is globbed so a retarget of the test kit does not break the harness.
    $pattern = Join-Path $RepoRoot "tests/SaltBatch.TestKit/bin/$Configuration/*/SaltBatch.TestKit.dll"
    $found = @(Get-ChildItem -Path $pattern -File)
    if ($found.Count -ne 1) {
        throw "Expected exactly one built test kit at '$pattern', found $($found.Count)."
    }
    $found[0].FullName
}

function Set-TestEnvironment {
    # What tests/TestHelpers.psm1 (and a developer in the Shell) relies on.
    $env:SALTBATCH_REPO_ROOT = $RepoRoot
    $env:SALTBATCH_MODULE = $ModuleManifest
    $env:SALTBATCH_TESTKIT = Get-TestKitPath
    $env:SALTBATCH_PEERS = Join-Path $RepoRoot 'tests/peers'
    # Debian's interpreter, not whatever python3 is first on PATH: the peers need Debian's
    # python3-msgpack and python3-zmq. A caller may point it elsewhere on purpose.
    if (-not $env:SALTBATCH_PYTHON) { $env:SALTBATCH_PYTHON = '/usr/bin/python3' }
}

function Invoke-Build {
    Write-Host "==> dotnet build SaltBatch.sln -c $Configuration"
    Invoke-Native dotnet @('build', (Join-Path $RepoRoot 'SaltBatch.sln'), '-c', $Configuration)

    $output = Join-Path $RepoRoot "src/SaltBatch/bin/$Configuration/net8.0"
    if (-not (Test-Path (Join-Path $output 'SaltBatch.dll'))) {
        throw "Build output not found: $output/SaltBatch.dll"
    }
    $bad = @(Get-ChildItem -Path $output -Recurse -Include $ForbiddenInModule)
    if ($bad) {
        throw ("PowerShell's own assemblies are in the build output ($($bad.Name -join ', ')). " +
            'Reference PowerShellStandard.Library with PrivateAssets="all" ExcludeAssets="runtime".')
    }

    Write-Host "==> Assembling module in $ModuleDir"
    $null = New-Item -ItemType Directory -Force -Path $ModuleDir
    # Start from the checked-in sources only, so DLLs dropped from the build do not linger.
    Get-ChildItem -Path $ModuleDir -Force |
        Where-Object Name -NotIn $ModuleSources |
        Remove-Item -Recurse -Force
    # SaltBatch.dll (cmdlets, completers, output types) is what PowerShell loads. Everything else the cmdlet
    # project put in its output (SaltBatch.Core and its third-party assemblies, whatever they are today) goes
    # to dependencies/, which only the module's private load context reads (src/SaltBatch/EngineLoadContext.cs):
    # a copy next to SaltBatch.dll would be found by PowerShell's probing and land in the shared default context.
    Copy-Item -LiteralPath (Join-Path $output $ModuleAssembly) -Destination $ModuleDir -Force
    $null = New-Item -ItemType Directory -Force -Path $DependenciesDir
    Get-ChildItem -Path (Join-Path $output '*') -Exclude (@($ModuleAssembly) + $NotShipped) |
        Copy-Item -Destination $DependenciesDir -Recurse -Force
    Copy-Item -Path (Join-Path $RepoRoot 'SaltBatch.psd1') -Destination $ModuleManifest -Force
    # The companion Salt runner ships inside the module, laid out as salt://_runners/ so an admin copies it as is.
    $runnerDir = Join-Path $ModuleDir 'salt/_runners'
    $null = New-Item -ItemType Directory -Force -Path $runnerDir
    Copy-Item -LiteralPath (Join-Path $RepoRoot 'src/salt/_runners/saltbatch.py') -Destination $runnerDir -Force

    # Belt and braces: the module folder itself must be clean and its manifest valid.
    $bad = @(Get-ChildItem -Path $ModuleDir -Recurse -Include $ForbiddenInModule)
    if ($bad) { throw "Forbidden files in module/: $($bad.FullName -join ', ')" }
    $besideModule = @(Get-ChildItem -Path $ModuleDir -File -Filter '*.dll' | Where-Object Name -NE $ModuleAssembly)
    if ($besideModule) { throw "Only $ModuleAssembly may sit in module/; the rest belongs in dependencies/: $($besideModule.Name -join ', ')" }
    if (-not (Test-Path (Join-Path $ModuleDir 'SaltBatch.format.ps1xml'))) {
        throw 'module/SaltBatch.format.ps1xml (checked-in source) is missing.'
    }
    $null = Import-PowerShellDataFile -Path $ModuleManifest

    # A child pwsh imports the module to read its cmdlets' metadata, so this session never loads
    # (and never holds on to) the DLLs; it fails the build when help is missing for an exported cmdlet.
    Write-Host '==> Help: module/help -> module/en-US'
    Invoke-Native dotnet @('pwsh', '-NoLogo', '-NoProfile', '-NonInteractive', '-File', (Join-Path $RepoRoot 'tools/Build-Help.ps1'),
        '-ModuleManifest', $ModuleManifest, '-SourceDir', (Join-Path $ModuleDir 'help'), '-OutputDir', (Join-Path $ModuleDir 'en-US'))
    Write-Host "==> Module ready: $ModuleManifest"
}

function Invoke-Package {
    Invoke-Build
    Write-Host "==> Package: $ModuleDir -> $PackageDir"
    Invoke-Native dotnet @('pwsh', '-NoLogo', '-NoProfile', '-NonInteractive', '-File', (Join-Path $RepoRoot 'tools/New-ModulePackage.ps1'),
        '-ModuleDir', $ModuleDir, '-OutputDir', $PackageDir)
}

function Read-TrxCounts {
    # VSTest's TRX on this SDK leaves Counters/@notExecuted at 0 for skipped xunit tests (they
    # only show as total - executed), so count the individual results instead:
    # Passed -> passed, NotExecuted -> skipped, anything else (Failed, Error, Timeout, Aborted) -> failed.
    param([Parameter(Mandatory)] [string] $Path)
    [xml] $trx = Get-Content -Raw -Path $Path
    $ns = @{ t = 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010' }
    $counts = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($node in Select-Xml -Xml $trx -XPath '//t:Results/t:UnitTestResult' -Namespace $ns) {
        switch ($node.Node.outcome) {
            'Passed' { $counts.Passed++ }
            'NotExecuted' { $counts.Skipped++ }
            default { $counts.Failed++ }
        }
    }
    $counts
}

function Invoke-XunitTests {
    $trx = Join-Path $ResultsDir 'core.trx'
    Write-Host '==> xunit: tests/SaltBatch.Core.Tests'
    # The fuzz campaign (docs/fuzzing.md) runs for many minutes; CI replays its corpus instead.
    & dotnet test (Join-Path $RepoRoot 'tests/SaltBatch.Core.Tests') -c $Configuration --no-build `
        --filter 'Category!=FuzzCampaign' --logger 'trx;LogFileName=core.trx' --logger 'console;verbosity=normal' `
        --results-directory $ResultsDir | Out-Host
    $exitCode = $LASTEXITCODE

    if (-not (Test-Path $trx)) {
        Write-Host "xunit: no results file (dotnet test exit code $exitCode); counted as 1 failure."
        return [ordered]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $counts = Read-TrxCounts -Path $trx
    if ($exitCode -ne 0 -and $counts.Failed -eq 0) {
        # The runner failed without a failing test (e.g. the test host crashed): still a failure.
        Write-Host "xunit: dotnet test exited with $exitCode but reported no failed test; counted as 1 failure."
        $counts.Failed = 1
    }
    $counts
}

function Install-Pester {
    if (Test-Path $PesterManifest) { return }
    Write-Host "==> Downloading Pester $PesterVersion into $PesterDir"
    Invoke-Native dotnet @('package', 'download', "Pester@$PesterVersion", '--output', $PesterDir)
    if (-not (Test-Path $PesterManifest)) { throw "Pester manifest not found after download: $PesterManifest" }
}

function Invoke-PesterTests {
    $summary = Join-Path $ResultsDir 'pester-summary.json'
    Write-Host '==> Pester: tests/*.Tests.ps1 (child pwsh)'
    # A child process, so this session never loads (and never holds on to) the module's DLLs,
    # and each run gets a fresh module.
    & dotnet pwsh -NoLogo -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'tests/Invoke-Pester.ps1') `
        -PesterManifest $PesterManifest -TestPath (Join-Path $RepoRoot 'tests') `
        -ResultPath (Join-Path $ResultsDir 'pester.xml') -SummaryPath $summary | Out-Host
    $exitCode = $LASTEXITCODE

    if (-not (Test-Path $summary)) {
        Write-Host "Pester: no summary (child exit code $exitCode); counted as 1 failure."
        return [ordered]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $s = Get-Content -Raw -Path $summary | ConvertFrom-Json
    $counts = [ordered]@{ Passed = [int] $s.Passed; Failed = [int] $s.Failed; Skipped = [int] $s.Skipped }
    if ($exitCode -ne 0 -and $counts.Failed -eq 0) {
        Write-Host "Pester: child exited with $exitCode but reported no failure; counted as 1 failure."
        $counts.Failed = 1
    }
    $counts
}

function Invoke-Test {
    $total = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    try {
        Invoke-Build
        Set-TestEnvironment
        # Stale results must never be mistaken for this run's.
        if (Test-Path $ResultsDir) { Remove-Item -Recurse -Force $ResultsDir }
        $null = New-Item -ItemType Directory -Force -Path $ResultsDir
        # For the child `dotnet pwsh` (this script may itself run under some other pwsh).
        Invoke-Native dotnet @('tool', 'restore')
        Install-Pester

        foreach ($counts in @((Invoke-XunitTests), (Invoke-PesterTests))) {
            foreach ($key in @($total.Keys)) { $total[$key] += $counts[$key] }
        }
    }
    catch {
        # Build or tool set-up broke: no test could vouch for anything, so it is a failure,
        # and the summary line is still the last line for CI.
        Write-Host "ERROR: $($_.Exception.Message)"
        Write-Host "$($_.ScriptStackTrace)"
        $total.Failed += 1
    }
    Write-Host "$($total.Passed) passed, $($total.Failed) failed, $($total.Skipped) skipped"
    if ($total.Failed -gt 0) { exit 1 }
    exit 0
}

function Invoke-Shell {
    Invoke-Build
    Set-TestEnvironment
    $hint = "SaltBatch imported from $ModuleManifest. Try: Get-Command -Module SaltBatch. 'exit' leaves."
    $masterConfig = if ($env:SALT_MASTER_CONFIG) { $env:SALT_MASTER_CONFIG } elseif ($env:SALT_CONFIG_DIR) { Join-Path $env:SALT_CONFIG_DIR 'master' } else { '/etc/salt/master' }
    if (-not (Test-Path -LiteralPath $masterConfig)) {
        $hint += " No Salt master config at ${masterConfig}: for a simulated master, run ./build.ps1 -Task Sandbox."
    }
    Enter-ModuleShell -Hint $hint
    exit $LASTEXITCODE
}

function Invoke-Bench {
    # Benchmarks against the reference (what Salt's runner does) in one run; writes docs/benchmarks.md. Not part of
    # Test: it generates several GB of batch files and takes minutes.
    Invoke-Build
    Set-TestEnvironment
    & (Join-Path $RepoRoot 'tests/bench/Invoke-Benchmarks.ps1')
}

function Enter-ModuleShell {
    # Interactive child pwsh; its output is never captured (that would take its terminal away), so callers
    # read its exit code from $LASTEXITCODE.
    param([Parameter(Mandatory)] [string] $Hint)
    # -NoProfile: a profile could import another SaltBatch copy and hide the one just built.
    $command = "Import-Module '$($ModuleManifest -replace "'", "''")'; Write-Host '$($Hint -replace "'", "''")'"
    & dotnet pwsh -NoLogo -NoProfile -NoExit -Command $command
}

function Start-SandboxMaster {
    # The master outlives this script when asked to (-NoShell): it ignores stdin and Ctrl+C, and stops
    # when <root>/stop appears or on SIGTERM. Its ready line goes to <root>/ready.json.
    $root = Join-Path ([System.IO.Path]::GetTempPath()) ("saltbatch-sandbox-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 8))
    $null = New-Item -ItemType Directory -Force -Path $root
    $readyFile = Join-Path $root 'ready.json'
    $process = Start-Process -FilePath dotnet -ArgumentList @((Get-TestKitPath), 'sandbox', '--root', $root, '--companion-runner', (Join-Path $ModuleDir 'salt/_runners/saltbatch.py')) `
        -RedirectStandardOutput $readyFile -RedirectStandardError (Join-Path $root 'master.log') -PassThru
    $deadline = [datetime]::UtcNow.AddSeconds(30)
    while (-not ((Test-Path $readyFile) -and (Get-Content -Raw $readyFile) -match '\}\s*$')) {
        if ($process.HasExited -or [datetime]::UtcNow -gt $deadline) {
            throw "The sandbox master did not start; see $(Join-Path $root 'master.log')."
        }
        Start-Sleep -Milliseconds 100
    }
    Get-Content -Raw $readyFile | ConvertFrom-Json | Add-Member -PassThru -NotePropertyName Process -NotePropertyValue $process |
        Add-Member -PassThru -NotePropertyName Root -NotePropertyValue $root
}

function Stop-SandboxMaster {
    param([Parameter(Mandatory)] $Sandbox)
    $null = New-Item -ItemType File -Force -Path (Join-Path $Sandbox.Root 'stop')
    if (-not $Sandbox.Process.WaitForExit(10000)) { $Sandbox.Process.Kill() }
    Remove-Item -Recurse -Force -LiteralPath $Sandbox.Root -ErrorAction SilentlyContinue
}

function Invoke-Sandbox {
    Invoke-Build
    Set-TestEnvironment
    $sandbox = Start-SandboxMaster
    $jids = ($sandbox.batches | ForEach-Object { "$($_.jid) ($($_.fun))" }) -join ', '
    if ($NoShell) {
        Write-Host "Simulated Salt master running (pid $($sandbox.pid)); batches: $jids."
        Write-Host "Use it:  `$env:SALT_MASTER_CONFIG = '$($sandbox.config)'"
        Write-Host "Or through its salt-api (self-signed certificate): $($sandbox.connect)"
        Write-Host "Stop it: New-Item '$(Join-Path $sandbox.Root 'stop')'"
        $sandbox.config
        return
    }
    try {
        $env:SALT_MASTER_CONFIG = $sandbox.config
        $hint = "SIMULATED Salt master (not a real one): `$env:SALT_MASTER_CONFIG = '$($sandbox.config)'. Batches: $jids. " +
            "Try: Get-SaltActiveBatch; Get-SaltActiveBatch | Wait-SaltBatch; Stop-SaltBatch <jid> -Kill; " +
            "Get-SaltBatchMinion <jid> -Outcome Failed, TimedOut -IncludeReturn; Get-SaltBatch <jid> | Restart-SaltBatch; " +
            "Start-SaltBatch 'app*' -Function state.apply -BatchSize 50% | Wait-SaltBatch (app04 is down: a warning). " +
            "Through its salt-api: $($sandbox.connect); then Get-SaltActiveBatch -Master sandbox. 'exit' leaves and stops the master."
        Enter-ModuleShell -Hint $hint
        $exitCode = $LASTEXITCODE
    }
    finally {
        Stop-SandboxMaster $sandbox
    }
    exit $exitCode
}

Push-Location $RepoRoot   # `dotnet pwsh` finds the local tool manifest from the working directory.
try {
    switch ($Task) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Shell' { Invoke-Shell }
        'Bench' { Invoke-Bench }
        'Package' { Invoke-Package }
        'Sandbox' { Invoke-Sandbox }
    }
}
finally {
    Pop-Location
}

<#
    Shared helpers for the Pester tests. Import in BeforeAll:
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    build.ps1 -Task Test (and -Task Shell) sets, for the child pwsh:
        SALTBATCH_REPO_ROOT  repository root
        SALTBATCH_MODULE     <repo>/module/SaltBatch.psd1 (the built module)
        SALTBATCH_TESTKIT    built tests/SaltBatch.TestKit dll (run with `dotnet <dll>`)
        SALTBATCH_PEERS      <repo>/tests/peers (the Python peers)
        SALTBATCH_PYTHON     interpreter for the peers; /usr/bin/python3 unless set
    Without build.ps1 the helpers fall back to the repository layout (Release build), so a
    single file can also be run by hand from `build.ps1 -Task Shell`.
#>

Set-StrictMode -Version Latest

$script:RepoRoot = if ($env:SALTBATCH_REPO_ROOT) { $env:SALTBATCH_REPO_ROOT } else { Split-Path -Parent $PSScriptRoot }

# Exact wording is part of the contract (a test checks it): it tells the reader what to install.
$script:PeersMissingMessage = "Test peers missing: install Debian's python3-msgpack, python3-zmq, salt-pepper and python3-requests (apt-get install python3-msgpack python3-zmq salt-pepper python3-requests)"

function Get-SaltBatchModulePath {
    if ($env:SALTBATCH_MODULE) { return $env:SALTBATCH_MODULE }
    Join-Path $script:RepoRoot 'module/SaltBatch.psd1'
}

function Import-SaltBatchModule {
    <# Imports the built module into the global scope (fresh each call) and returns it. #>
    [CmdletBinding()]
    param()
    $path = Get-SaltBatchModulePath
    if (-not (Test-Path $path)) { throw "Built module not found at '$path'; run ./build.ps1 first." }
    # -Global: imported from inside this helper module it would otherwise be visible only here,
    # not in the test file that called us.
    Import-Module $path -Force -Global -PassThru -ErrorAction Stop
}

function Get-TestKitPath {
    if ($env:SALTBATCH_TESTKIT) { return $env:SALTBATCH_TESTKIT }
    $found = @(Get-ChildItem -Path (Join-Path $script:RepoRoot 'tests/SaltBatch.TestKit/bin/Release/*/SaltBatch.TestKit.dll') -File -ErrorAction SilentlyContinue)
    if ($found.Count -ne 1) { throw 'SaltBatch.TestKit is not built (SALTBATCH_TESTKIT unset); run ./build.ps1 first.' }
    $found[0].FullName
}

function Invoke-CapturedProcess {
    <#
        Runs a program to its end with stdin closed and returns ExitCode, Output (its non-empty stdout lines) and
        Error (stderr, trimmed). Both streams are read concurrently, so a chatty stderr cannot deadlock stdout.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $FilePath,
        [string[]] $ArgumentList = @(),
        [hashtable] $Environment = @{}
    )
    $psi = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($a in $ArgumentList) { $psi.ArgumentList.Add($a) }
    foreach ($name in $Environment.Keys) { $psi.Environment[$name] = $Environment[$name] }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true   # nothing it runs may wait on the test's console
    $psi.UseShellExecute = $false

    $p = [System.Diagnostics.Process]::Start($psi)
    try {
        $p.StandardInput.Close()
        $stdout = $p.StandardOutput.ReadToEndAsync()
        $stderr = $p.StandardError.ReadToEndAsync()
        $p.WaitForExit()
        [pscustomobject]@{
            ExitCode = $p.ExitCode
            Output   = @($stdout.Result -split '\r?\n' | Where-Object { $_ })
            Error    = $stderr.Result.Trim()
        }
    }
    finally {
        $p.Dispose()
    }
}

function Invoke-TestKit {
    <#
        Runs `dotnet <SaltBatch.TestKit.dll> @Arguments` and returns its stdout lines.
        Throws, quoting stderr, if it exits non-zero. For one-shot commands (e.g. writing a
        fixture); a long-running simulated master needs its own process handling.
    #>
    [CmdletBinding()]
    param([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments = @())

    $run = Invoke-CapturedProcess -FilePath 'dotnet' -ArgumentList (@(Get-TestKitPath) + $Arguments)
    if ($run.ExitCode -ne 0) {
        throw "SaltBatch.TestKit $($Arguments -join ' ') exited with $($run.ExitCode): $($run.Error)"
    }
    $run.Output
}

function Start-TestKitProcess {
    <#
        Starts `dotnet <SaltBatch.TestKit.dll> @Arguments` without waiting for it (e.g. `churn`, which rewrites cache
        files while the test reads them) and returns the Process, stdout and stderr redirected. The caller waits for
        it, or kills it, and disposes it.
    #>
    [CmdletBinding()]
    param([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments = @())

    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $psi.ArgumentList.Add((Get-TestKitPath))
    foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $process.StandardInput.Close()
    $process
}

function Get-PeerPython {
    <#
        Returns the interpreter for the Python peers (SALTBATCH_PYTHON, default /usr/bin/python3,
        Debian's, which sees the apt-installed python3-msgpack, python3-zmq and salt-pepper; a pyenv python3
        on PATH does not). Throws the install instructions if it cannot import msgpack and zmq.
    #>
    [CmdletBinding()]
    param()
    $python = if ($env:SALTBATCH_PYTHON) { $env:SALTBATCH_PYTHON } else { '/usr/bin/python3' }
    $ok = $false
    if (Test-Path -LiteralPath $python -PathType Leaf) {
        try {
            & $python -c 'import msgpack, zmq, pepper.libpepper, requests' 2>$null
            $ok = $LASTEXITCODE -eq 0
        }
        catch {
            # Not executable, or not a program at all: same remedy as a missing package.
            Write-Verbose "Running '$python' failed: $($_.Exception.Message)"
        }
    }
    if (-not $ok) {
        Write-Verbose "'$python' cannot import msgpack, zmq, pepper and requests."
        throw $script:PeersMissingMessage
    }
    $python
}


function New-SaltTestCache {
    <#
    .SYNOPSIS
        Writes a master job cache from a spec, exactly as Salt's payload.dumps would, and returns its path.
    .DESCRIPTION
        Spec keys (see tests/SaltBatch.TestKit/WriteCacheCommand.cs): hashType; batches (jid, fun, tgt, tgtType,
        total or minions, done, active, failed, batchSize, halted, haltedReason, driver, user, created, lastProgress,
        returnBytes, retcodes = @{ minion = retcode }, returns = @{ minion = hex msgpack of its ret }); activeIndex
        (JIDs, written as given); rawBatchFiles (jid + hex bytes written as its .batch.p); nonBatchJobs (how many
        ordinary job directories to generate: jid, .load.p, a minion folder with return.p).
    #>
    param(
        [Parameter(Mandatory)][hashtable] $Spec,
        [Parameter(Mandatory)][string] $Path
    )
    $null = New-Item -ItemType Directory -Force -Path $Path
    $specFile = Join-Path ([System.IO.Path]::GetTempPath()) ("saltbatch-spec-{0}.json" -f [guid]::NewGuid())
    try {
        $Spec | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $specFile -Encoding utf8NoBOM
        $null = Invoke-TestKit write-cache --spec $specFile --cachedir $Path
    }
    finally {
        Remove-Item -LiteralPath $specFile -ErrorAction SilentlyContinue
    }
    $Path
}

function New-ScratchDirectory {
    <#
    .SYNOPSIS
        Creates an empty directory for a large generated fixture and returns its path; the caller deletes it.
    .DESCRIPTION
        In /dev/shm when that is a memory file system with room to spare, else in the temp directory. A job cache of
        20,000 directories is 100,000 small files: on a busy disk deleting them takes a minute or more, in memory
        a second or two.
    #>
    param(
        [Parameter(Mandatory)][string] $Prefix,
        [long] $NeededBytes = 1GB
    )
    $memory = '/dev/shm'
    $parent = if ([System.IO.Directory]::Exists($memory) -and [System.IO.DriveInfo]::new($memory).AvailableFreeSpace -gt $NeededBytes) { $memory } else { [System.IO.Path]::GetTempPath() }
    $path = Join-Path $parent ($Prefix + [guid]::NewGuid().ToString('N').Substring(0, 8))
    [System.IO.Directory]::CreateDirectory($path).FullName
}

function Get-BatchStatePath {
    <# The .batch.p path of a JID in a cache, computed by the Python peer (hashlib), not by the code under test. #>
    param(
        [Parameter(Mandatory)][string] $CacheDir,
        [Parameter(Mandatory)][string] $Jid,
        [string] $HashType = 'sha256'
    )
    $python = Get-PeerPython
    $digest = & $python -c "import hashlib,sys; print(hashlib.new(sys.argv[1], sys.argv[2].encode()).hexdigest())" $HashType $Jid
    Join-Path $CacheDir "jobs/$($digest.Substring(0, 2))/$($digest.Substring(2))/.batch.p"
}

function Invoke-AsLockedOutReader {
    <#
    .SYNOPSIS
        Runs a script in a fresh pwsh while -Path has mode 000, as a reader who may not enter it: as root, behind
        setpriv without the capabilities that bypass file permissions, so it meets them as the salt user would.
        Returns the script's output lines; the mode is restored (755) whatever happens.
    #>
    param(
        [Parameter(Mandatory)][string] $Path,
        [Parameter(Mandatory)][string] $Script
    )
    $prefix = if ((& id -u) -eq '0') { @('setpriv', '--bounding-set=-dac_override,-dac_read_search', '--') } else { @() }
    & chmod 000 $Path
    try {
        Invoke-ChildPwsh -Script $Script -Prefix $prefix
    }
    finally {
        & chmod 755 $Path
    }
}

function Invoke-ChildPwsh {
    <#
    .SYNOPSIS
        Runs a script in a fresh pwsh process (optionally behind a command prefix such as setpriv) and returns its
        output lines. Used where a test needs a clean process: peak-memory measurements, reduced privileges.
    #>
    param(
        [Parameter(Mandatory)][string] $Script,
        [string[]] $Prefix = @()
    )
    $dotnet = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
    $arguments = @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', $Script)
    if ($Prefix.Count -gt 0) {
        & $Prefix[0] @($Prefix | Select-Object -Skip 1) $dotnet @arguments
    }
    else {
        & $dotnet @arguments
    }
}

function Start-SimulatedMaster {
    <#
    .SYNOPSIS
        Starts the simulated Salt master (TestKit simulate-master) in its own process, writes a master config file
        pointing at it, and returns a handle: Ready (its ready line), ConfigPath, CacheDir, SockDir, Journal, Process.
    #>
    param(
        [Parameter(Mandatory)][string] $Root,
        [ValidateSet('prefixed', 'bare')][string] $Framing = 'prefixed',
        [string] $KeyText = 'sim-master-key-5f0c2d8a7e1b4c3f9a6d0e2b7c4a1f8d',
        [string[]] $ExtraArgs = @(),
        [int] $TimeoutSeconds = 2,
        # The master config's user: whose key authorises publishes and who must own what is written for it.
        [string] $User = 'salt'
    )
    $null = New-Item -ItemType Directory -Force -Path $Root
    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in @((Get-TestKitPath), 'simulate-master', '--root', $Root, '--framing', $Framing, '--user', $User, '--key-text', $KeyText) + $ExtraArgs) {
        $start.ArgumentList.Add($argument)
    }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    $readLine = $process.StandardOutput.ReadLineAsync()
    if (-not $readLine.Wait([TimeSpan]::FromSeconds(30)) -or -not $readLine.Result) {
        $process.Kill($true)
        throw "The simulated master did not start: $($process.StandardError.ReadToEnd())"
    }
    $ready = $readLine.Result | ConvertFrom-Json
    $configPath = Join-Path $Root 'master'
    Set-Content -LiteralPath $configPath -Value @(
        "cachedir: $($ready.cachedir)"
        "sock_dir: $($ready.sockdir)"
        "ret_port: $($ready.retPort)"
        "hash_type: $($ready.hashType)"
        "user: $($ready.user)"
        "timeout: $TimeoutSeconds"
        'request_channel_tries: 1'
    )
    [pscustomobject]@{
        Process    = $process
        Ready      = $ready
        Root       = $Root
        ConfigPath = $configPath
        CacheDir   = $ready.cachedir
        SockDir    = $ready.sockdir
        Journal    = $ready.journal
        KeyText    = $KeyText
    }
}

function Stop-SimulatedMaster {
    param([Parameter(Mandatory)] $Master)
    $Master.Process.StandardInput.Close()
    if (-not $Master.Process.WaitForExit(10000)) { $Master.Process.Kill($true) }
    $Master.Process.Dispose()
}

function Get-MasterJournal {
    <# The simulated master's journal records, optionally of one kind. #>
    param([Parameter(Mandatory)] $Master, [string] $Kind)
    $records = Get-Content -LiteralPath $Master.Journal | Where-Object { $_ } | ConvertFrom-Json -Depth 20
    if ($Kind) { $records | Where-Object kind -EQ $Kind } else { $records }
}

function Wait-MasterJournal {
    <# Waits until the simulated master has journalled a matching record (it handles events asynchronously); returns it. #>
    param(
        [Parameter(Mandatory)] $Master,
        [Parameter(Mandatory)][string] $Kind,
        [scriptblock] $Where = { $true },
        [int] $TimeoutSeconds = 10
    )
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
    do {
        $found = @(Get-MasterJournal -Master $Master -Kind $Kind | Where-Object $Where)
        if ($found.Count -gt 0) { return $found }
        Start-Sleep -Milliseconds 50
    } while ([datetime]::UtcNow -lt $deadline)
    throw "The simulated master journalled no '$Kind' record matching { $Where } within $TimeoutSeconds s."
}

function Read-SaltFile {
    <# A .p file as salt.payload.loads reads it (the Python peer), as JSON objects; for files without bytes or ext values. #>
    param([Parameter(Mandatory)][string] $Path)
    $python = Get-PeerPython
    $script = 'import json, sys; sys.path.insert(0, sys.argv[1]); import salt_payload; print(json.dumps(salt_payload.salt_loads(open(sys.argv[2], "rb").read())))'
    $peers = if ($env:SALTBATCH_PEERS) { $env:SALTBATCH_PEERS } else { Join-Path $script:RepoRoot 'tests/peers' }
    $json = & $python -c $script $peers $Path
    if ($LASTEXITCODE -ne 0) { throw "The Python peer could not read '$Path'." }
    $json | ConvertFrom-Json -NoEnumerate
}

function Start-TestSandbox {
    <#
    .SYNOPSIS
        Starts the sandbox master (TestKit `sandbox`, what build.ps1 -Task Sandbox runs) and returns Process and Ready
        (its ready line: config, batches, ...). Stop it with Stop-TestSandbox.
    #>
    param(
        [Parameter(Mandatory)][string] $Root,
        [int] $StepMilliseconds = 300
    )
    # The sandbox master ignores stdin (it must outlive Ctrl+C in a shell beside it), so the closed stdin is harmless.
    $process = Start-TestKitProcess sandbox --root $Root --step-ms $StepMilliseconds
    $readLine = $process.StandardOutput.ReadLineAsync()
    if (-not $readLine.Wait([TimeSpan]::FromSeconds(30)) -or -not $readLine.Result) {
        $process.Kill($true)
        throw "The sandbox master did not start: $($process.StandardError.ReadToEnd())"
    }
    [pscustomobject]@{ Process = $process; Ready = ($readLine.Result | ConvertFrom-Json) }
}

function Stop-TestSandbox {
    param([Parameter(Mandatory)] $Sandbox)
    if (-not $Sandbox.Process.HasExited) { $Sandbox.Process.Kill($true) }
    $Sandbox.Process.Dispose()
}

function Invoke-IsolationSession {
    <#
    .SYNOPSIS
        Runs tests/IsolationSession.ps1 in a fresh pwsh against a fresh simulated master and returns what it reported
        (one object, see that script) plus Kills: the saltutil.kill_job publishes the master received.
    .DESCRIPTION
        The master's cache: ReadJid (state.apply, web1..web5, 1 done, web2 and web3 active), StopJid (test.ping,
        db1..db3, db1 and db2 active), both in the active index, and FinishedJid (cmd.run, complete, history only).
    #>
    param(
        [Parameter(Mandatory)][ValidateSet('OthersFirst', 'SaltBatchFirst')][string] $Order,
        [Parameter(Mandatory)] $OtherVersion,   # one group from Get-OtherVersionAssembly
        # Short: the master's Unix sockets live under it, and a socket path has at most 108 bytes.
        [Parameter(Mandatory)][string] $Root,
        [string] $Module = (Get-SaltBatchModulePath)
    )
    $jids = [ordered]@{ ReadJid = '20240610120000000000'; StopJid = '20240610120500000000'; FinishedJid = '20240609080000000000' }
    # The master's user is ours: Start-SaltBatch gives what it writes to that account, which must exist here.
    $master = Start-SimulatedMaster -Root $Root -User (& id -un)
    try {
        $null = New-SaltTestCache -Path $master.CacheDir -Spec @{
            batches     = @(
                @{ jid = $jids.ReadJid; fun = 'state.apply'; tgt = 'web*'; minions = @('web1', 'web2', 'web3', 'web4', 'web5'); done = 1; active = 2; batchSize = 2 }
                @{ jid = $jids.StopJid; fun = 'test.ping'; tgt = 'db*'; minions = @('db1', 'db2', 'db3'); done = 0; active = 2; batchSize = 2 }
                @{ jid = $jids.FinishedJid; fun = 'cmd.run'; tgt = 'app*'; total = 2; done = 2; batchSize = 2 }
            )
            activeIndex = @($jids.ReadJid, $jids.StopJid)
        }
        $quote = { param($text) "'" + ($text -replace "'", "''") + "'" }
        $arguments = @(
            '-Order', $Order, '-Group', $OtherVersion.Group
            '-OtherAssemblies', (($OtherVersion.Paths | ForEach-Object { & $quote $_ }) -join ',')
            '-Module', (& $quote $Module), '-ConfigPath', (& $quote $master.ConfigPath), '-Journal', (& $quote $master.Journal)
            '-ReadJid', $jids.ReadJid, '-StopJid', $jids.StopJid
        )
        $output = Invoke-ChildPwsh -Script "& $(& $quote (Join-Path $PSScriptRoot 'IsolationSession.ps1')) $($arguments -join ' ')"
        $report = $output | Select-Object -Last 1 | ConvertFrom-Json -Depth 10
        if (-not $report -or -not ($report.PSObject.Properties.Name -contains 'Loaded')) {
            throw "The isolation session reported nothing usable:`n$($output -join "`n")"
        }
        $kills = @(Get-MasterJournal -Master $master -Kind 'publish-received' | Where-Object fun -EQ 'saltutil.kill_job')
        $report | Add-Member -NotePropertyName Kills -NotePropertyValue $kills -PassThru |
            Add-Member -NotePropertyName Jids -NotePropertyValue ([pscustomobject]$jids) -PassThru
    }
    finally {
        Stop-SimulatedMaster $master
    }
}

Export-ModuleMember -Function Invoke-CapturedProcess, Invoke-IsolationSession, Read-SaltFile, Start-TestSandbox, Stop-TestSandbox, New-ScratchDirectory, Start-SimulatedMaster, Wait-MasterJournal, Stop-SimulatedMaster, Get-MasterJournal, Invoke-ChildPwsh, Invoke-AsLockedOutReader, Import-SaltBatchModule, Invoke-TestKit, Get-PeerPython, Get-SaltBatchModulePath, Get-TestKitPath, New-SaltTestCache, Get-BatchStatePath, Start-TestKitProcess

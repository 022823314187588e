<#
    Genuine Salt for the real-Salt suite: finds an upstream source tree and the shared environment script
    (../shared/real-salt/saltreal.sh), starts and stops a genuine salt-master with its BatchManager, genuine minions
    and genuine salt-api (rest_cherrypy) in a directory of its own, runs the genuine CLIs against it, and reads a
    .batch.p with Salt's own reader. Nothing of Salt's code is in this repository: the tree is found at
    $env:SALT_SOURCE, else /opt/salt-src.
#>

Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1')   # Invoke-CapturedProcess

$script:RepoRoot = if ($env:SALTBATCH_REPO_ROOT) { $env:SALTBATCH_REPO_ROOT } else { Split-Path -Parent (Split-Path -Parent $PSScriptRoot) }
$script:ConventionalTree = '/opt/salt-src'
# The interpreter Salt runs on: Debian's, where the apt packages below live (never a pyenv python3 on PATH).
$script:SaltPython = '/usr/bin/python3'

function Find-RealSalt {
    <#
        Where genuine Salt can come from on this machine: { Available, Reason, Source, Script }. Available is false
        (with the reason to print as the skip reason) when there is no Salt tree or no environment script; a tree
        whose Python dependencies are missing is Available, and Start-RealSalt says what to install.
    #>
    [CmdletBinding()]
    param()
    $source = if ($env:SALT_SOURCE) { $env:SALT_SOURCE } else { $script:ConventionalTree }
    $from = if ($env:SALT_SOURCE) { '$SALT_SOURCE' } else { "the conventional place (`$SALT_SOURCE is unset)" }
    $script = [IO.Path]::GetFullPath((Join-Path $script:RepoRoot '../shared/real-salt/saltreal.sh'))
    $result = [pscustomobject]@{ Available = $false; Reason = $null; Source = $source; Script = $script }
    if (-not (Test-Path -LiteralPath (Join-Path $source 'scripts/salt-master') -PathType Leaf) -or
        -not (Test-Path -LiteralPath (Join-Path $source 'salt/utils/batch_state.py') -PathType Leaf)) {
        $result.Reason = "no Salt source tree at $source ($from); see the README's real-Salt section to get one"
    }
    elseif (-not (Test-Path -LiteralPath $script -PathType Leaf)) {
        $result.Reason = "Salt tree found at $source, but not the environment script $script (../shared/real-salt beside the repository)"
    }
    else {
        $result.Available = $true
    }
    $result
}

function Assert-RealSaltPrerequisite {
    <# Throws the install command when Debian's python3 lacks a package genuine Salt imports (one list: the script). #>
    [CmdletBinding()]
    param()
    $installer = Join-Path $PSScriptRoot 'install-prerequisites.sh'
    $missing = & bash $installer --check
    if ($LASTEXITCODE -ne 0) {
        throw "Genuine Salt cannot start: $script:SaltPython lacks packages it imports. Run 'bash $installer' as root (.ci/run does), or: $missing"
    }
}

function Invoke-RealSaltScript {
    <# Runs saltreal.sh with the tree in SALT_SOURCE; returns ExitCode, Output (stdout lines) and Error (stderr). #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $RealSalt,
        [Parameter(ValueFromRemainingArguments)] [string[]] $Arguments = @()
    )
    Invoke-CapturedProcess -FilePath 'bash' -ArgumentList (@($RealSalt.Script) + $Arguments) -Environment @{ SALT_SOURCE = $RealSalt.Source }
}

function Start-RealSalt {
    <#
        Starts a genuine master (BatchManager included), minions <Prefix>1..<Minions> (the -Down ones have accepted
        keys and no process) and, with -Api, genuine salt-api over plain HTTP and TLS, in a fresh short directory
        (Unix socket paths under it must stay short). Returns saltreal's description of it, plus Directory.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $RealSalt,
        [ValidateSet('zeromq', 'tcp')] [string] $Transport = 'zeromq',
        [int] $Minions = 3,
        [string[]] $Down = @(),
        [switch] $Api,
        [string[]] $MasterOption = @()
    )
    Assert-RealSaltPrerequisite
    $directory = Join-Path '/tmp' ('sbrs.' + [guid]::NewGuid().ToString('n').Substring(0, 8))
    $arguments = @('up', $directory, '--minions', "$Minions", '--transport', $Transport)
    if ($Down) { $arguments += @('--down', ($Down -join ',')) }
    if ($Api) { $arguments += '--api' }
    foreach ($option in $MasterOption) { $arguments += @('--master-opt', $option) }
    $run = Invoke-RealSaltScript $RealSalt @arguments
    if ($run.ExitCode -ne 0) {
        $null = Invoke-RealSaltScript $RealSalt down $directory
        throw "saltreal.sh up failed ($($run.ExitCode)): $($run.Error) -- master log: $(Get-Content -Raw -ErrorAction SilentlyContinue (Join-Path $directory 'var/log/salt/master'))"
    }
    $environment = $run.Output[-1] | ConvertFrom-Json
    $environment | Add-Member -NotePropertyName Directory -NotePropertyValue $directory
    $environment | Add-Member -NotePropertyName RealSalt -NotePropertyValue $RealSalt
    $environment
}

function Stop-RealSalt {
    <# Stops everything Start-RealSalt started (by pid files) and removes its directory. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [AllowNull()] $Environment)
    if ($null -eq $Environment) { return }
    $run = Invoke-RealSaltScript $Environment.RealSalt down $Environment.Directory
    if ($run.ExitCode -ne 0) { Write-Warning "saltreal.sh down $($Environment.Directory): $($run.Error) $($run.Output)" }
    Remove-Item -LiteralPath $Environment.Directory -Recurse -Force -ErrorAction SilentlyContinue
}

function Invoke-RealSaltCli {
    <#
        Runs a genuine CLI (salt, salt-run, salt-call, salt-key) against the environment's master and returns its
        stdout lines; throws with its stderr when it exits non-zero, unless -AllowFailure.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] $Environment,
        [Parameter(Mandatory, Position = 1)] [ValidateSet('salt', 'salt-run', 'salt-call', 'salt-key')] [string] $Cli,
        [Parameter(Position = 2, ValueFromRemainingArguments)] [string[]] $Arguments = @(),
        [switch] $AllowFailure
    )
    $run = Invoke-RealSaltScript $Environment.RealSalt $Cli $Environment.Directory @Arguments
    if ($run.ExitCode -ne 0 -and -not $AllowFailure) {
        throw "genuine $Cli $($Arguments -join ' ') exited with $($run.ExitCode): $($run.Error) $($run.Output -join ' ')"
    }
    $run.Output
}

function Get-RealSaltRunning {
    <#
        The jobs each minion reports running (genuine saltutil.running): a hashtable minion -> array of JIDs. A minion
        that does not answer within the timeout is missing from it.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Environment, [Parameter(Mandatory)] [string[]] $Minion)
    $running = @{}
    $lines = Invoke-RealSaltCli $Environment salt -L ($Minion -join ',') saltutil.running --out=json --out-indent=-1 -t 15 -AllowFailure
    foreach ($line in $lines) {
        $answer = $null
        try { $answer = $line | ConvertFrom-Json -AsHashtable } catch { continue }
        if ($answer -isnot [hashtable]) { continue }
        foreach ($id in $answer.Keys) { $running[$id] = @($answer[$id] | ForEach-Object { $_.jid }) }
    }
    $running
}

function Read-RealBatchState {
    <# A batch's .batch.p as genuine Salt reads it (salt.utils.batch_state, the runner's summary); null if unreadable. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Environment, [Parameter(Mandatory)] [string] $Jid)
    $shims = Join-Path (Split-Path -Parent $Environment.RealSalt.Script) 'shims'
    $reader = Join-Path $PSScriptRoot 'salt_batch_state.py'
    $previous = $env:PYTHONPATH
    try {
        $env:PYTHONPATH = "$($Environment.RealSalt.Source):$shims"
        $json = & $script:SaltPython $reader $Environment.config $Jid 2>$null
        if ($LASTEXITCODE -ne 0) { throw "salt_batch_state.py $Jid exited with $LASTEXITCODE" }
    }
    finally {
        $env:PYTHONPATH = $previous
    }
    $json | ConvertFrom-Json -AsHashtable
}

function Wait-RealSalt {
    <#
        Polls -Condition every -IntervalMs until it returns true; after -TimeoutSec throws -Because. For states genuine daemons reach in their own time (a dispatch, a kill taking effect).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [scriptblock] $Condition,
        [Parameter(Mandatory)] [string] $Because,
        [int] $TimeoutSec = 60,
        [int] $IntervalMs = 500
    )
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ($true) {
        if (& $Condition) { return }
        if ([DateTime]::UtcNow -gt $deadline) { throw "Waited $TimeoutSec s, in vain, for: $Because" }
        Start-Sleep -Milliseconds $IntervalMs
    }
}

Export-ModuleMember -Function Find-RealSalt, Start-RealSalt, Stop-RealSalt, Invoke-RealSaltCli,
    Get-RealSaltRunning, Read-RealBatchState, Wait-RealSalt

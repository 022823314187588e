<#
.SYNOPSIS
    One PowerShell session that uses SaltBatch beside other versions of its dependencies; run in a fresh pwsh by
    DependencyIsolation.Tests.ps1 and Package.Tests.ps1. Writes one JSON line: what each side got.
.DESCRIPTION
    -Order OthersFirst: the other versions are loaded and used first (as powershell-yaml does with Add-Type), then
    SaltBatch is imported and every cmdlet used against the master of -ConfigPath: Get-SaltMasterConfig,
    Get-SaltActiveBatch, Get-SaltBatch by JID and as history, Get-SaltBatchMinion, -Jid completion, Get-Help, and
    Wait-SaltBatch in a second runspace ended by Stop-SaltBatch -Kill; then the other versions are used again.
    -Order SaltBatchFirst: SaltBatch does all of that first (so its dependencies are loaded), then the other versions
    are loaded and used, then SaltBatch is used once more.
    The master must not advance batches by itself: -ReadJid and -StopJid are running batches with active minions.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [ValidateSet('OthersFirst', 'SaltBatchFirst')] [string] $Order,
    [Parameter(Mandatory)] [ValidateSet('YamlDotNet', 'MessagePack', 'NetMQ')] [string] $Group,
    # Assemblies of the group, in load order.
    [Parameter(Mandatory)] [string[]] $OtherAssemblies,
    # A path to the module's manifest, or its name when it is installed on PSModulePath.
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $ConfigPath,
    # The simulated master's journal, to see when the waiting runspace is listening.
    [Parameter(Mandatory)] [string] $Journal,
    [Parameter(Mandatory)] [string] $ReadJid,
    [Parameter(Mandatory)] [string] $StopJid
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$report = [ordered]@{}

function Use-OtherVersion {
    # What the other module's code does with its own version; every result names the copy it came from.
    foreach ($path in $OtherAssemblies) { Add-Type -Path $path }
    switch ($Group) {
        'YamlDotNet' {
            $serializer = [YamlDotNet.Serialization.SerializerBuilder]::new().Build()
            $type = [YamlDotNet.Serialization.SerializerBuilder]
            $output = $serializer.Serialize([ordered]@{ minion = 'web1'; ok = $true }).Trim()
        }
        'MessagePack' {
            $type = [MessagePack.MessagePackSerializer]
            $bytes = [MessagePack.MessagePackSerializer]::Serialize([string], 'salt', $null, [System.Threading.CancellationToken]::None)
            $output = [System.Convert]::ToHexString($bytes)
        }
        'NetMQ' {
            $type = [NetMQ.StandIn]
            $output = ([NetMQ.StandIn]::Describe(), [AsyncIO.StandIn]::Describe(), [NaCl.StandIn]::Describe()) -join '; '
        }
    }
    [ordered]@{
        Version = $type.Assembly.GetName().Version.ToString()
        Context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($type.Assembly).Name
        Output  = $output
    }
}

function Wait-Listening {
    # The waiting runspace subscribes to the master's pub socket; stopping before that would test a finished batch.
    $deadline = [datetime]::UtcNow.AddSeconds(20)
    while ([datetime]::UtcNow -lt $deadline) {
        $connected = Get-Content -LiteralPath $Journal | Where-Object { $_ } | ConvertFrom-Json | Where-Object kind -EQ 'subscriber-connected'
        if ($connected) { return }
        Start-Sleep -Milliseconds 50
    }
    throw 'Wait-SaltBatch did not subscribe to the master within 20 s.'
}

function Use-SaltBatch {
    Import-Module $Module
    $used = [ordered]@{}
    $used.RetPort = (Get-SaltMasterConfig -ConfigPath $ConfigPath).RetPort
    $used.Active = @(Get-SaltActiveBatch -ConfigPath $ConfigPath | ForEach-Object Jid)
    $used.Status = (Get-SaltBatch -ConfigPath $ConfigPath -Jid $ReadJid).State
    $used.History = @(Get-SaltBatch -ConfigPath $ConfigPath | ForEach-Object Jid)
    $used.ActiveMinions = @(Get-SaltBatchMinion -ConfigPath $ConfigPath -Jid $ReadJid -State Active | ForEach-Object Minion)
    $line = "Stop-SaltBatch -ConfigPath '$ConfigPath' -Jid "
    $used.Completion = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object ListItemText)
    $used.Help = (Get-Help Stop-SaltBatch).Synopsis

    $waiter = [powershell]::Create()
    try {
        $null = $waiter.AddScript("Import-Module '$($Module -replace "'", "''")'; Wait-SaltBatch -ConfigPath '$($ConfigPath -replace "'", "''")' -Jid $StopJid -TimeoutSec 30")
        $waiting = $waiter.BeginInvoke()
        Wait-Listening
        $stopped = Stop-SaltBatch -ConfigPath $ConfigPath -Jid $StopJid -Kill -Force -PassThru
        $waited = @($waiter.EndInvoke($waiting))
        $used.Stopped = [ordered]@{ State = $stopped.State; HaltedReason = $stopped.HaltedReason }
        $used.Waited = @($waited | ForEach-Object { [ordered]@{ Jid = $_.Jid; State = $_.State } })
        $used.WaitErrors = @($waiter.Streams.Error | ForEach-Object { "$_" })
    }
    finally {
        $waiter.Dispose()
    }
    # Starting writes .batch.p and the index with the engine's msgpack writer and pings over ZeroMQ.
    $started = Start-SaltBatch -ConfigPath $ConfigPath -Target web1, web4 -Function test.ping -BatchSize 1 -PingTimeoutSec 20
    $used.Started = [ordered]@{ Jid = $started.Jid; State = $started.State; Driver = $started.Driver; Total = $started.Total; TargetType = $started.TargetType }
    $used
}

function Get-LoadedCopy {
    # Every copy of SaltBatch's assemblies and their namesakes in this process, with the context it lives in.
    $names = 'SaltBatch', 'SaltBatch.Core', 'YamlDotNet', 'MessagePack', 'MessagePack.Annotations', 'NetMQ', 'AsyncIO', 'NaCl'
    [System.AppDomain]::CurrentDomain.GetAssemblies() |
        Where-Object { $_.GetName().Name -in $names } |
        ForEach-Object {
            [ordered]@{
                Name     = $_.GetName().Name
                Version  = $_.GetName().Version.ToString()
                Context  = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name
                Location = $_.Location
            }
        } |
        Sort-Object { $_.Name }, { $_.Context }
}

try {
    if ($Order -eq 'OthersFirst') {
        $report.OtherBefore = Use-OtherVersion
        $report.SaltBatch = Use-SaltBatch
        $report.OtherAfter = Use-OtherVersion
    }
    else {
        $report.SaltBatch = Use-SaltBatch
        $report.OtherAfter = Use-OtherVersion
        # And SaltBatch again, now that both versions are in the process.
        $report.ActiveAfter = @(Get-SaltActiveBatch -ConfigPath $ConfigPath | ForEach-Object Jid)
        $report.RetPortAfter = (Get-SaltMasterConfig -ConfigPath $ConfigPath).RetPort
    }
}
catch {
    $report.Failure = "$($_.Exception.GetType().FullName): $($_.Exception.Message) at $($_.InvocationInfo.PositionMessage)"
}
$report.Errors = @($Error | ForEach-Object { "$_" })
$report.Loaded = @(Get-LoadedCopy)
$report | ConvertTo-Json -Depth 6 -Compress

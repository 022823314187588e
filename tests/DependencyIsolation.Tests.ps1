# SaltBatch beside other versions of its third-party assemblies (YamlDotNet 16 as powershell-yaml ships it,
# MessagePack 2.2, an older NetMQ with AsyncIO and NaCl), in both orders, each in a fresh pwsh (IsolationSession.ps1).
# The engine and its dependencies live in the module's own load context, so neither side sees the other's copy.

BeforeDiscovery {
    $script:Sessions = foreach ($group in 'YamlDotNet', 'MessagePack', 'NetMQ') {
        foreach ($order in 'OthersFirst', 'SaltBatchFirst') { @{ Group = $group; Order = $order } }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'OtherVersions.psm1') -Force
    $script:OtherVersions = @(Get-OtherVersionAssembly)
    $script:Dependencies = Join-Path (Split-Path -Parent (Get-SaltBatchModulePath)) 'dependencies'
}

Describe 'SaltBatch with other versions of <Group> in the session, <Order>' -ForEach $Sessions {
    BeforeAll {
        $script:Other = $OtherVersions | Where-Object Group -EQ $Group
        $script:Report = Invoke-IsolationSession -Order $Order -OtherVersion $Other -Root (Join-Path $TestDrive "$Group-$($Order -creplace '[a-z]')")
        $script:Expected = @{
            YamlDotNet  = "minion: web1`nok: true"
            MessagePack = 'A473616C74'   # 'salt' as a msgpack fixstr
            NetMQ       = ($Other.Versions.Keys | ForEach-Object { "$_ $($Other.Versions[$_]) stand-in" }) -join '; '
        }[$Group]
    }

    It 'runs to the end without a single error' {
        # A session that stopped reports why in Failure.
        $Report.PSObject.Properties['Failure'] | Should -BeNullOrEmpty
        $Report.Errors | Should -BeNullOrEmpty
    }

    It 'reads: master config (YAML), active batches, a batch by JID, the history and a batch''s minions' {
        $Report.SaltBatch.RetPort | Should -BeGreaterThan 0
        $Report.SaltBatch.Active | Should -Be @($Report.Jids.ReadJid, $Report.Jids.StopJid)
        $Report.SaltBatch.Status | Should -Be 'Running'
        $Report.SaltBatch.History | Sort-Object | Should -Be (@($Report.Jids.ReadJid, $Report.Jids.StopJid, $Report.Jids.FinishedJid) | Sort-Object)
        $Report.SaltBatch.ActiveMinions | Should -Be @('web2', 'web3')
    }

    It 'completes -Jid and shows help' {
        $Report.SaltBatch.Completion | Should -Be @($Report.Jids.ReadJid, $Report.Jids.StopJid)
        $Report.SaltBatch.Help | Should -BeLike 'Stops Salt batch jobs*'
    }

    It 'stops with -Kill (saltutil.kill_job to the active minions over ZeroMQ), and Wait-SaltBatch sees the halt' {
        $Report.Kills.Count | Should -Be 1
        $Report.Kills[0].tgt | Should -Be @('db1', 'db2')
        $Report.Kills[0].accepted | Should -BeTrue
        $Report.SaltBatch.Stopped.State | Should -Be 'Halted'
        $Report.SaltBatch.Stopped.HaltedReason | Should -Be 'stop'
        $Report.SaltBatch.Waited.Jid | Should -Be $Report.Jids.StopJid
        $Report.SaltBatch.Waited.State | Should -Be 'Halted'
        $Report.SaltBatch.WaitErrors | Should -BeNullOrEmpty
    }

    It 'starts a batch (ping over ZeroMQ, .batch.p and index written with the engine''s msgpack writer)' {
        $Report.SaltBatch.Started.State | Should -Be 'Running'
        $Report.SaltBatch.Started.Driver | Should -Be 'master'
        $Report.SaltBatch.Started.Total | Should -Be 2
        $Report.SaltBatch.Started.TargetType | Should -Be 'list'
    }

    It 'leaves the other code its own version, which it can use' {
        $Report.OtherAfter.Version | Should -Be $Other.Versions[$Group]
        $Report.OtherAfter.Context | Should -Be 'Default'
        ($Report.OtherAfter.Output -replace '\r') | Should -Be $Expected
        if ($Order -eq 'OthersFirst') {
            $Report.OtherBefore.Output | Should -Be $Report.OtherAfter.Output
        }
        else {
            # SaltBatch still works with both versions in the process.
            $Report.ActiveAfter | Should -Be @($Report.Jids.ReadJid, $Report.SaltBatch.Started.Jid)
            $Report.RetPortAfter | Should -Be $Report.SaltBatch.RetPort
        }
    }

    It 'keeps each copy in its own load context: the engine''s in SaltBatch''s, the other one in the default context' {
        $engine = @($Report.Loaded | Where-Object Name -EQ 'SaltBatch.Core')
        $engine.Context | Should -Be @('SaltBatch')
        ($Report.Loaded | Where-Object Name -EQ 'SaltBatch').Context | Should -Be 'Default'
        foreach ($copy in $Report.Loaded | Where-Object Name -NotLike 'SaltBatch*') {
            if ($copy.Context -eq 'Default') {
                $copy.Version | Should -Be $Other.Versions[$copy.Name] -Because "$($copy.Name) in the default context is the other code's"
            }
            else {
                $copy.Context | Should -Be 'SaltBatch'
                $copy.Version | Should -Be ([System.Reflection.AssemblyName]::GetAssemblyName((Join-Path $Dependencies "$($copy.Name).dll")).Version.ToString())
            }
        }
        # Both versions of the group's main assembly (the group is named after it) are really loaded, side by side.
        @($Report.Loaded | Where-Object Name -EQ $Group | ForEach-Object Context) | Should -Be @('Default', 'SaltBatch')
    }
}

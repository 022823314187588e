# Get-SaltBatchMinion end to end: fixtures written as Salt writes them, expectations read back by the Python peer.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule

    $script:Peer = Join-Path $PSScriptRoot 'peers/salt_payload.py'
    $script:Python = Get-PeerPython
    $script:GeneratedJid = '20240610140000000000'
    $script:SecondJid = '20240610141000000000'
    $script:ExplicitJid = '20240610142000000000'
    $script:TruncatedJid = '20240610143000000000'
    $script:HaltedJid = '20240610144000000000'
    $script:StateKey = 'pkg_|-nginx_|-nginx_|-installed'

    # A state.apply return with what JSON cannot say: an int key, bytes that are not UTF-8, a tuple, a datetime.
    $taggedReturn = @{ map = @(
            , @($StateKey, @{ map = @(
                        , @('name', 'nginx')
                        , @('changes', @{ map = @(, @('nginx', @{ map = @(@('old', '1.22.1-9'), @('new', '1.24.0-2')) })) })
                        , @('result', $true)
                        , @('__run_num__', @{ int = '0' })
                        , @('duration', @{ float = '812.5' })
                    ) })
            , @(@{ int = '7' }, @('a', @{ bytes = 'ff00' }, @{ tuple = @('x', @{ int = '2' }) }))
            , @('when', @{ datetime = '2024-06-10T12:00:01.500000' })
        ) } | ConvertTo-Json -Depth 20 -Compress
    $returnHex = $taggedReturn | & $Python $Peer pack-json false

    $script:Cache = New-SaltTestCache -Path (Join-Path $TestDrive 'cache') -Spec @{
        batches     = @(
            @{ jid = $GeneratedJid; fun = 'state.apply'; total = 24; done = 10; active = 4; failed = 5; returnBytes = 40 }
            @{ jid = $SecondJid; total = 6; done = 2; active = 1; failed = 2 }
            @{
                jid = $ExplicitJid; minions = @('web1', 'web2', 'web3', 'web4', 'web5', 'db1'); done = 5; active = 1
                retcodes = [ordered]@{ web1 = 0; web2 = [ordered]@{ 'state.apply' = 0; 'cmd.run' = 3; 'test.ping' = 1 }; web3 = [ordered]@{}; web4 = 'oops'; web5 = 2 }
                returns = @{ web1 = $returnHex }
            }
            @{
                jid = $HaltedJid; minions = @('app1', 'app2', 'app3', 'app4', 'app5'); done = 2; failed = 1; active = 1
                retcodes = [ordered]@{ app1 = 0; app2 = 1 }; halted = $true; haltedReason = 'stop'
            }
        )
        activeIndex = @($GeneratedJid, $SecondJid)
    }

    $generatedPath = Get-BatchStatePath -CacheDir $Cache -Jid $GeneratedJid
    $truncatedPath = Get-BatchStatePath -CacheDir $Cache -Jid $TruncatedJid
    $null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent $truncatedPath)
    $bytes = [System.IO.File]::ReadAllBytes($generatedPath)
    [System.IO.File]::WriteAllBytes($truncatedPath, $bytes[0..($bytes.Length * 3 / 4)])

    function Get-PeerState([string] $Jid) {
        <# The batch state as Salt loads it (tagged JSON from the peer): key → value. #>
        $tagged = & $Python $Peer loads (Get-BatchStatePath -CacheDir $Cache -Jid $Jid) | ConvertFrom-Json
        $state = [ordered]@{}
        foreach ($pair in $tagged.map) { $state[$pair[0]] = $pair[1] }
        $state
    }
}

Describe 'Get-SaltBatchMinion' {
    It 'lists every minion once in .batch.p order with the state Salt recorded' {
        $state = Get-PeerState $GeneratedJid
        $expected = @(
            $state.pending | ForEach-Object { "Pending $_" }
            $state.active.map | ForEach-Object { "Active $($_[0])" }
            $state.done.map | ForEach-Object { "Done $($_[0])" }
            $state.failed.map | ForEach-Object { "Failed $($_[0])" }
        )

        $minions = Get-SaltBatchMinion -CacheDir $Cache -Jid $GeneratedJid

        $minions | ForEach-Object { $_ | Should -BeOfType ([SaltBatch.SaltBatchMinionInfo]) }
        $minions | ForEach-Object { "$($_.State) $($_.Minion)" } | Should -Be $expected
        ($minions.Minion | Sort-Object) | Should -Be ($state.all_minions | Sort-Object)
        $minions.Jid | Select-Object -Unique | Should -Be $GeneratedJid
    }

    It 'gives active minions their dispatch time in UTC and nothing else' {
        $state = Get-PeerState $GeneratedJid
        $active = Get-SaltBatchMinion -CacheDir $Cache -Jid $GeneratedJid -State Active

        $active.Count | Should -Be 4
        foreach ($pair in $state.active.map) {
            $minion = $active | Where-Object Minion -EQ $pair[0]
            $expected = [datetime]::UnixEpoch.AddSeconds([double]::Parse($pair[1].float, [cultureinfo]::InvariantCulture))
            [math]::Abs(($minion.DispatchedAt - $expected).TotalMilliseconds) | Should -BeLessThan 1
            $minion.DispatchedAt.Kind | Should -Be 'Utc'
            $minion.Retcode, $minion.Success, $minion.Reason, $minion.Return | Should -Be @($null, $null, $null, $null)
        }
    }

    It 'gives failed minions the reason Salt recorded (timeout or failed)' {
        $state = Get-PeerState $GeneratedJid
        $failed = Get-SaltBatchMinion -CacheDir $Cache -Jid $GeneratedJid -State Failed

        $failed | ForEach-Object { "$($_.Minion)=$($_.Reason)" } | Should -Be @($state.failed.map | ForEach-Object { "$($_[0])=$($_[1])" })
        $failed.Reason | Sort-Object -Unique | Should -Be @('failed', 'timeout')
        $failed | ForEach-Object { $_.Success | Should -BeNullOrEmpty }
    }

    It 'gives done minions their retcode, collapsing dict retcodes to their largest value' {
        $state = Get-PeerState $GeneratedJid
        $done = Get-SaltBatchMinion -CacheDir $Cache -Jid $GeneratedJid -State Done

        foreach ($pair in $state.done.map) {
            $stored = ($pair[1].map | Where-Object { $_[0] -eq 'retcode' })[1]
            $minion = $done | Where-Object Minion -EQ $pair[0]
            if ($stored.PSObject.Properties.Name -contains 'map') {
                $minion.Retcode | Should -Be ([long]$stored.map[0][1].int)
                $minion.RetcodeDetail['state.apply'] | Should -Be ([long]$stored.map[0][1].int)
            }
            else {
                $minion.Retcode | Should -Be ([long]$stored.int)
                $minion.RetcodeDetail | Should -BeNullOrEmpty
            }
            $minion.Success | Should -Be ($minion.Retcode -eq 0)
        }
        ($done | Where-Object { $null -ne $_.RetcodeDetail }).Count | Should -Be 3
    }

    It 'reads explicit retcodes: int, dict (kept in order), empty dict and non-numeric' {
        $done = Get-SaltBatchMinion -CacheDir $Cache -Jid $ExplicitJid -State Done

        $done | ForEach-Object { "$($_.Minion)=$($_.Retcode)/$($_.Success)" } |
            Should -Be @('web1=0/True', 'web2=3/False', 'web3=0/True', 'web4=0/True', 'web5=2/False')
        $web2 = $done | Where-Object Minion -EQ 'web2'
        $web2.RetcodeDetail | Should -BeOfType ([System.Collections.Specialized.OrderedDictionary])
        @($web2.RetcodeDetail.Keys) | Should -Be @('state.apply', 'cmd.run', 'test.ping')
        $web2.RetcodeDetail['cmd.run'] | Should -Be 3
        ($done | Where-Object Minion -EQ 'web3').RetcodeDetail.Count | Should -Be 0
    }

    It 'filters by -State and by -Minion wildcards (case-insensitive), keeping file order' {
        $all = Get-SaltBatchMinion -CacheDir $Cache -Jid $GeneratedJid

        (Get-SaltBatchMinion -CacheDir $Cache -Jid $GeneratedJid -State Failed, Pending).Minion |
            Should -Be @($all | Where-Object State -In 'Pending', 'Failed' | ForEach-Object Minion)
        (Get-SaltBatchMinion -CacheDir $Cache -Jid $GeneratedJid -Minion 'WEB00*', '*zürich*').Minion |
            Should -Be @($all | Where-Object { $_.Minion -like 'web00*' -or $_.Minion -like '*zürich*' } | ForEach-Object Minion)
        (Get-SaltBatchMinion -CacheDir $Cache -Jid $GeneratedJid -State Done -Minion '*.dc1.*').Minion |
            Should -Be @($all | Where-Object { $_.State -eq 'Done' -and $_.Minion -like '*.dc1.*' } | ForEach-Object Minion)
        Get-SaltBatchMinion -CacheDir $Cache -Jid $GeneratedJid -Minion 'nosuch*' | Should -BeNullOrEmpty
    }

    It 'takes several JIDs as every other -Jid does, and -State and -Outcome as names in any case, as Get-SaltBatch -State' {
        $both = @(Get-SaltBatchMinion -CacheDir $Cache -Jid $SecondJid, $HaltedJid)
        @($both.Jid | Select-Object -Unique) | Should -Be @($SecondJid, $HaltedJid)
        $both.Count | Should -Be 11
        @(Get-SaltBatchMinion -CacheDir $Cache -Jid $HaltedJid -State done, FAILED).State | Should -Be @('Done', 'Done', 'Failed')
        @(Get-SaltBatchMinion -CacheDir $Cache -Jid $HaltedJid -Outcome abandoned).Minion | Should -HaveCount 1

        $refused = { Get-SaltBatchMinion -CacheDir $Cache -Jid $HaltedJid -State Finished } | Should -Throw -ErrorId 'ParameterArgumentValidationError,SaltBatch.GetSaltBatchMinionCommand' -PassThru
        $refused.Exception.Message | Should -BeLike '*Pending,Active,Done,Failed*'
        $refused.Exception.Message | Should -Not -BeLike '*SaltBatch.Core*'
        (Get-Command Get-SaltBatchMinion).Parameters['State'].ParameterType | Should -Be ([string[]])
        (Get-Command Get-SaltBatchMinion).Parameters['Jid'].ParameterType | Should -Be ([string[]])
    }

    It 'takes the JID positionally, by value, and by property name from Get-SaltBatch and Get-SaltActiveBatch' {
        (Get-SaltBatchMinion $SecondJid -CacheDir $Cache).Count | Should -Be 6
        ($SecondJid | Get-SaltBatchMinion -CacheDir $Cache).Count | Should -Be 6
        (Get-SaltBatch $SecondJid -CacheDir $Cache | Get-SaltBatchMinion -CacheDir $Cache).Count | Should -Be 6

        $failed = Get-SaltActiveBatch -CacheDir $Cache | Get-SaltBatchMinion -CacheDir $Cache -State Failed

        $failed | ForEach-Object { $_.State | Should -Be 'Failed' }
        ($failed | Where-Object Jid -EQ $GeneratedJid).Count | Should -Be 5
        ($failed | Where-Object Jid -EQ $SecondJid).Count | Should -Be 2
    }

    It 'leaves Return empty without -IncludeReturn' {
        Get-SaltBatchMinion -CacheDir $Cache -Jid $ExplicitJid | ForEach-Object { $_.Return | Should -BeNullOrEmpty }
    }

    It 'decodes a nested state.apply return with -IncludeReturn' {
        $web1 = Get-SaltBatchMinion -CacheDir $Cache -Jid $ExplicitJid -Minion web1 -IncludeReturn
        $return = $web1.Return

        $return | Should -BeOfType ([System.Collections.Specialized.OrderedDictionary])
        $return.Count | Should -Be 3
        $result = $return[$StateKey]
        $result | Should -BeOfType ([System.Collections.Specialized.OrderedDictionary])
        @($result.Keys) | Should -Be @('name', 'changes', 'result', '__run_num__', 'duration')
        $result.changes.nginx.new | Should -Be '1.24.0-2'
        $result.changes.nginx.old | Should -Be '1.22.1-9'
        $result.result | Should -BeTrue
        $result.duration | Should -Be 812.5

        $list = $return[[long]7]
        , $list | Should -BeOfType ([object[]])
        $list[0] | Should -Be 'a'
        , $list[1] | Should -BeOfType ([byte[]])
        $list[1] | Should -Be @(0xff, 0x00)
        $list[2] | Should -Be @('x', 2)
        $return.when | Should -Be ([datetime]::new(2024, 6, 10, 12, 0, 1, 500))
    }

    It 'decodes the generated returns of every done minion with -IncludeReturn' {
        $done = Get-SaltBatchMinion -CacheDir $Cache -Jid $GeneratedJid -State Done -IncludeReturn

        $done.Count | Should -Be 10
        $done | ForEach-Object { $_.Return[$StateKey].comment | Should -Be ('x' * 40) }
        $done | ForEach-Object { $_.Return[$StateKey].__run_num__ } | Should -Be @(0..9)
    }

    It 'writes SaltBatchNotFound for an unknown JID and SaltBatchInvalidJid for text that is not one, and goes on' {
        $found = '20990101000000000000', 'not-a-jid', $SecondJid |
            Get-SaltBatchMinion -CacheDir $Cache -State Failed -ErrorVariable failures -ErrorAction SilentlyContinue

        $found.Jid | Select-Object -Unique | Should -Be $SecondJid
        $failures.Count | Should -Be 2
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltBatchNotFound,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be '20990101000000000000'
        $failures[0].Exception.Message | Should -BeLike 'No batch with JID 20990101000000000000*'
        $failures[1].FullyQualifiedErrorId | Should -BeLike 'SaltBatchInvalidJid,*'
        $failures[1].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'writes SaltBatchCorrupt naming the file for damage mid-file, after the minions read before it' {
        $minions = Get-SaltBatchMinion -CacheDir $Cache -Jid $TruncatedJid -ErrorVariable failures -ErrorAction SilentlyContinue

        $minions.Count | Should -BeGreaterThan 8
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaltBatchCorrupt,*'
        $failures[0].Exception.Message | Should -BeLike "*$(Get-BatchStatePath -CacheDir $Cache -Jid $TruncatedJid)*truncated*"
    }

    It 'says what became of each minion: a non-zero retcode in done is Failed, an active minion of a halted batch Abandoned' {
        $explicit = Get-SaltBatchMinion -CacheDir $Cache -Jid $ExplicitJid | ForEach-Object { "$($_.Minion)=$($_.State)/$($_.Outcome)" }
        # web2's map collapses to 3 and web4's 'oops' to 0, as Salt's failhard check reads them.
        $explicit | Should -Be @('db1=Active/Running', 'web1=Done/Succeeded', 'web2=Done/Failed', 'web3=Done/Succeeded', 'web4=Done/Succeeded', 'web5=Done/Failed')

        $peer = Get-PeerState $HaltedJid
        $peer.halted | Should -BeTrue
        $reason = @($peer.failed.map)[0][1]
        $failedOutcome = if ($reason -eq 'timeout') { 'TimedOut' } else { 'Failed' }
        $halted = Get-SaltBatchMinion -CacheDir $Cache -Jid $HaltedJid | ForEach-Object { "$($_.Minion)=$($_.Outcome)" }
        ($halted | Sort-Object) | Should -Be @('app1=Succeeded', 'app2=Failed', "app3=$failedOutcome", 'app4=Abandoned', 'app5=NotStarted')
    }

    It 'counts the same unsuccessful minions in Get-SaltBatch, collapsing per-function retcode maps as the outcomes do' {
        foreach ($jid in $ExplicitJid, $HaltedJid, $GeneratedJid) {
            $batch = Get-SaltBatch -CacheDir $Cache -Jid $jid
            $minions = @(Get-SaltBatchMinion -CacheDir $Cache -Jid $jid)

            $batch.Succeeded | Should -Be @($minions | Where-Object Outcome -EQ Succeeded).Count -Because $jid
            $batch.Unsuccessful | Should -Be @($minions | Where-Object Outcome -In Failed, TimedOut).Count -Because $jid
        }
        (Get-SaltBatch -CacheDir $Cache -Jid $ExplicitJid).Unsuccessful | Should -Be 2 -Because 'web2 (a map up to 3) and web5 (2); an empty map and text count as 0'
    }

    It 'filters on -Outcome, with -State narrowing further' {
        @(Get-SaltBatchMinion -CacheDir $Cache -Jid $ExplicitJid -Outcome Failed).Minion | Should -Be @('web2', 'web5')
        @(Get-SaltBatchMinion -CacheDir $Cache -Jid $HaltedJid -Outcome NotStarted, Abandoned).Minion | Should -Be @('app5', 'app4')
        Get-SaltBatchMinion -CacheDir $Cache -Jid $HaltedJid -Outcome Running | Should -BeNullOrEmpty
        Get-SaltBatchMinion -CacheDir $Cache -Jid $ExplicitJid -Outcome Failed -State Active | Should -BeNullOrEmpty

        $peer = Get-PeerState $GeneratedJid
        $timedOut = @($peer.failed.map | Where-Object { $_[1] -eq 'timeout' } | ForEach-Object { $_[0] })
        $timedOut.Count | Should -BeGreaterThan 0 -Because 'the generated batch mixes both failure reasons'
        @(Get-SaltBatchMinion -CacheDir $Cache -Jid $GeneratedJid -Outcome TimedOut).Minion | Should -Be $timedOut
    }

    It 'renders the default table grouped by batch' {
        $table = Get-SaltBatchMinion -CacheDir $Cache -Jid $ExplicitJid | Format-Table | Out-String -Width 200

        $table | Should -Match "Batch: $ExplicitJid"
        $table | Should -Match 'Minion\s+State\s+Retcode\s+Outcome\s+Reason\s+States\s+DispatchedAt'
        $table | Should -Match 'web2\s+Done\s+3\s+Failed'
        $table | Should -Match 'db1\s+Active\s+Running\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z'
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule
    $script:Running = '20240610120000000000'
    $script:Other = '20240610120500000000'
    $script:Spaced = '20240610121500000000_night run'
    $script:Broken = '20240610130000000000'
    $script:Cache = New-SaltTestCache -Path (Join-Path $TestDrive 'cache') -Spec @{
        batches       = @(
            @{ jid = $Running; fun = 'test.ping'; tgt = 'web*'; minions = @('web1', 'web2', 'web3'); done = 1; active = 1; batchSize = 1 }
            @{ jid = $Other; fun = 'state.apply'; tgt = 'db*'; total = 4; done = 4; batchSize = 2 }
            @{ jid = $Spaced; fun = 'cmd.run'; tgt = 'app*'; total = 2; done = 0; active = 1; batchSize = 1; halted = $true; haltedReason = 'stop' }
        )
        activeIndex   = @($Running, $Other, $Spaced, $Broken)
        rawBatchFiles = @(@{ jid = $Broken; hex = 'de00' })
    }

    function Complete([string] $line) {
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
    }
}

Describe 'JID tab completion' {
    It 'offers every readable active batch for <Command>, in JID order, each with a tooltip' -ForEach @(
        @{ Command = 'Stop-SaltBatch' }
        @{ Command = 'Wait-SaltBatch' }
        @{ Command = 'Get-SaltBatch' }
        @{ Command = 'Get-SaltBatchMinion' }
        @{ Command = 'Restart-SaltBatch' }
    ) {
        $matches = Complete "$Command -CacheDir '$Cache' -Jid "

        $matches.ListItemText | Should -Be @($Running, $Other, $Spaced)
        $matches | ForEach-Object { $_.ResultType | Should -Be 'ParameterValue' }
        $matches[0].ToolTip | Should -BeLike 'test.ping on web*: 1/3 done, 1 active, 0 failed, Running, last progress *d ago'
        $matches[1].ToolTip | Should -BeLike 'state.apply on db*: 4/4 done, 0 active, 0 failed, Complete*'
        $matches[2].ToolTip | Should -BeLike 'cmd.run on app*: 0/2 done, 1 active, 0 failed, Halted (stop)*'
    }

    It 'offers batches that are no longer active to <Command>, after the active ones, newest first' -ForEach @(
        @{ Command = 'Get-SaltBatch' }
        @{ Command = 'Get-SaltBatchMinion' }
    ) {
        $older = '20240609080000000000'
        $newer = '20240611090000000000'
        $history = New-SaltTestCache -Path (Join-Path $TestDrive "history-$Command") -Spec @{
            batches     = @(
                @{ jid = $Running; fun = 'test.ping'; tgt = 'web*'; minions = @('web1', 'web2'); done = 1; active = 1; batchSize = 1; created = 1718020800.0 }
                @{ jid = $older; fun = 'cmd.run'; tgt = 'old*'; total = 2; done = 2; batchSize = 1; created = 1717920000.0 }
                @{ jid = $newer; fun = 'pkg.upgrade'; tgt = 'new*'; total = 2; done = 2; batchSize = 1; created = 1718096400.0 }
            )
            activeIndex = @($Running)
        }

        (Complete "$Command -CacheDir '$history' -Jid 2024").ListItemText | Should -Be @($Running, $newer, $older)
        (Complete "Stop-SaltBatch -CacheDir '$history' -Jid 2024").ListItemText | Should -Be @($Running)
    }

    It 'matches by prefix' {
        (Complete "Stop-SaltBatch -CacheDir '$Cache' -Jid 202406101205").CompletionText | Should -Be @($Other)
    }

    It 'matches wildcards' {
        (Complete "Stop-SaltBatch -CacheDir '$Cache' -Jid *night*").ListItemText | Should -Be @($Spaced)
        (Complete "Stop-SaltBatch -CacheDir '$Cache' -Jid 2024061012?000*").ListItemText | Should -Be @($Running)
    }

    It 'quotes a JID that needs it, and keeps the quote the user started' {
        (Complete "Stop-SaltBatch -CacheDir '$Cache' -Jid 2024061012150").CompletionText | Should -Be @("'$Spaced'")
        (Complete "Stop-SaltBatch -CacheDir '$Cache' -Jid '2024061012000").CompletionText | Should -Be @("'$Running'")
        (Complete "Stop-SaltBatch -CacheDir '$Cache' -Jid `"2024061012000").CompletionText | Should -Be @("`"$Running`"")
    }

    It 'completes the positional JID too' {
        (Complete "Get-SaltBatch -CacheDir '$Cache' 202406101200").CompletionText | Should -Be @($Running)
    }

    It 'resolves a relative -CacheDir against the session location' {
        Push-Location $TestDrive
        try {
            (Complete "Stop-SaltBatch -CacheDir ./cache -Jid 202406101200").CompletionText | Should -Be @($Running)
        }
        finally {
            Pop-Location
        }
    }

    It 'offers nothing, and raises nothing, where there is no cache' {
        $line = "Stop-SaltBatch -CacheDir '$(Join-Path $TestDrive 'nowhere')' -Jid 2024"
        { Complete $line } | Should -Not -Throw
        Complete $line | Should -BeNullOrEmpty
    }

    It 'sees a batch change at once (a rewritten .batch.p is re-read)' {
        $before = (Complete "Stop-SaltBatch -CacheDir '$Cache' -Jid $Running")[0].ToolTip
        $null = New-SaltTestCache -Path $Cache -Spec @{ batches = @(@{ jid = $Running; fun = 'test.ping'; tgt = 'web*'; minions = @('web1', 'web2', 'web3'); done = 2; active = 1; batchSize = 1 }) }

        $before | Should -BeLike '*1/3 done*'
        (Complete "Stop-SaltBatch -CacheDir '$Cache' -Jid $Running")[0].ToolTip | Should -BeLike '*2/3 done*'
    }
}

# What became of each minion of a batch, end to end: a job directory written by the python3-msgpack peer as a master
# leaves it after a state.apply batch that halted on failhard, with one minion of every outcome (peers/job_cache_peer.py).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule

    $script:Python = Get-PeerPython
    $script:OutcomeJid = '20240611090000000000'
    $script:Cache = Join-Path $TestDrive 'cache'
    $written = & $Python (Join-Path $PSScriptRoot 'peers/job_cache_peer.py') outcome-batch $Cache sha256 $OutcomeJid | ConvertFrom-Json
    if ($LASTEXITCODE) { throw "job_cache_peer.py failed ($LASTEXITCODE)" }
    $script:JobDir = $written.jobDir
}

Describe 'Outcomes of a batch with every kind of minion' {
    It 'counts Succeeded and Unsuccessful beside the runner''s fields, which stay as they are' {
        $batch = Get-SaltBatch -CacheDir $Cache -Jid $OutcomeJid

        $batch.Total, $batch.Completed, $batch.Failed, $batch.Active, $batch.Pending | Should -Be @(9, 4, 3, 1, 1)
        $batch.Succeeded | Should -Be 2
        $batch.Unsuccessful | Should -Be 5
        $batch.State | Should -Be 'Halted'
    }

    It 'shows Unsuccessful in the table a person reads' {
        $table = Get-SaltBatch -CacheDir $Cache -Jid $OutcomeJid | Format-Table | Out-String -Width 200

        $lines = $table -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match 'Failed\s+Unsuccessful'
        $lines[2] | Should -Match '\b3\s+5\s+Halted:failhard'
    }

    It 'gives each minion the outcome a Salt admin would call it' {
        $outcomes = Get-SaltBatchMinion -CacheDir $Cache -Jid $OutcomeJid | ForEach-Object { "$($_.Minion)=$($_.Outcome)" }

        $outcomes | Sort-Object | Should -Be @(
            'changed1=Succeeded', 'flagged1=Failed', 'ok1=Succeeded', 'render1=Failed', 'run1=Abandoned',
            'slow1=TimedOut', 'slow2=TimedOut', 'statefail1=Failed', 'wait1=NotStarted')
    }

    It 'lists exactly the unsuccessful minions with -Outcome Failed, TimedOut, as many as Unsuccessful says' {
        $unsuccessful = Get-SaltBatchMinion -CacheDir $Cache -Jid $OutcomeJid -Outcome Failed, TimedOut

        $unsuccessful.Minion | Sort-Object | Should -Be @('flagged1', 'render1', 'slow1', 'slow2', 'statefail1')
        $unsuccessful.Count | Should -Be (Get-SaltBatch -CacheDir $Cache -Jid $OutcomeJid).Unsuccessful
    }
}

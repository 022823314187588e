# A real salt-api client agrees with the simulated salt-api: Debian's salt-pepper (its library API, tests/peers/pepper_peer.py)
# logs in, calls the batch runner and reads /events against it. If pepper sees what it would see from rest_cherrypy,
# what the module's client sees from the simulation is what it will see from a real salt-api.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Python = Get-PeerPython
    $script:Peer = Join-Path $(if ($env:SALTBATCH_PEERS) { $env:SALTBATCH_PEERS } else { Join-Path $PSScriptRoot 'peers' }) 'pepper_peer.py'
    $script:Jid = '20240610120000000000'
    $script:Master = Start-SimulatedMaster -Root (Join-Path $TestDrive 'master') -ExtraArgs @('--api')
    $null = New-SaltTestCache -Path $Master.CacheDir -Spec @{
        batches     = @(@{ jid = $Jid; fun = 'state.apply'; tgt = 'web*'; minions = @('web1', 'web2', 'web3', 'web4', 'web5'); done = 1; active = 2; batchSize = 2; created = 1718020800.0; lastProgress = 1718020802.25 })
        activeIndex = @($Jid)
    }
    $output = & $Python $Peer $Master.Ready.apiUri saltbatch saltbatch-password $Jid 2>&1
    $script:PeerExit = $LASTEXITCODE
    $script:PeerOutput = $output -join "`n"
    $script:Seen = if ($PeerExit -eq 0) { ($output | Select-Object -Last 1) | ConvertFrom-Json -Depth 10 }
}

AfterAll {
    if ($script:Master) { Stop-SimulatedMaster $Master }
}

Describe 'salt-pepper against the simulated salt-api' {
    It 'runs to the end' {
        $PeerExit | Should -Be 0 -Because $PeerOutput
    }

    It 'logs in with pam and gets a hex session token and the user''s external_auth perms' {
        $Seen.user | Should -Be 'saltbatch'
        $Seen.eauth | Should -Be 'pam'
        $Seen.token_is_hex | Should -BeTrue
        $Seen.perms[0].'@runner' | Should -Be @('batch\..*', 'saltbatch\..*', 'jobs\.list_job')
    }

    It 'calls batch.list_active and batch.status through the runner client and gets the runner''s summary' {
        $Seen.list_active | Should -HaveCount 1
        $Seen.status.jid | Should -Be $Jid
        ($Seen.status.PSObject.Properties.Name -join ',') | Should -Be 'jid,fun,tgt,tgt_type,total,completed,active,pending,failed,batch_size,halted,halted_reason,driver,user,created,last_progress,age_seconds'
        $Seen.status.total | Should -Be 5
        $Seen.status.completed | Should -Be 1
        $Seen.status.active | Should -Be 2
        $Seen.status_missing | Should -BeNullOrEmpty
    }

    It 'reads /events: the retry line, then the stop it caused and the master''s halted event' {
        $Seen.events_first_line | Should -Be 'retry: 400'
        $Seen.stop | Should -BeTrue
        $Seen.events | Should -Contain "salt/batch/$Jid/stop"
        $Seen.events | Should -Contain "salt/batch/$Jid/halted"
        $Seen.events[-1] | Should -Be 'stop'
        $Seen.status_after_stop.halted | Should -BeTrue
    }

    It 'kill=true reached the master as a kill publish to exactly the active minions' {
        $publish = @(Get-MasterJournal $Master -Kind 'publish-received')
        $publish | Should -HaveCount 1
        $publish[0].fun | Should -Be 'saltutil.kill_job'
        $publish[0].tgt | Should -Be @('web2', 'web3')
    }

    It 'is told "Authentication denied" for a wrong password, as from rest_cherrypy''s 401' {
        $Seen.wrong_password | Should -Be 'Authentication denied'
    }
}

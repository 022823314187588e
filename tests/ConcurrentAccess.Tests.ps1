# Many callers at once: reads while another process rewrites the cache, and stops issued in parallel.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule
    $script:ModulePath = Get-SaltBatchModulePath
}

Describe 'Reading while another process rewrites the cache by rename' {
    It 'Get-SaltBatch and Get-SaltActiveBatch in parallel runspaces see only whole versions and never fail' {
        $cache = Join-Path $TestDrive 'churn'
        $jid = '20240610120000000000'
        # Total/Completed/Active/Failed of the four states the churn command alternates (TestKit ChurnStates).
        $written = @('3/1/1/0', '40/20/5/3', '120/90/10/5', '8/0/8/0')
        $churn = Start-TestKitProcess churn --cachedir $cache --jid $jid --count 1500
        try {
            $churn.StandardOutput.ReadLine() | Should -Be 'ready'

            $results = 1..3 | ForEach-Object -ThrottleLimit 3 -Parallel {
                Import-Module $using:ModulePath
                $writer = $using:churn
                $reads = 0
                $problems = [System.Collections.Generic.List[string]]::new()
                $deadline = [datetime]::UtcNow.AddSeconds(60)
                while (-not $writer.HasExited -and [datetime]::UtcNow -lt $deadline) {
                    try {
                        $batch = Get-SaltBatch -CacheDir $using:cache -Jid $using:jid -ErrorAction Stop
                        $seen = '{0}/{1}/{2}/{3}' -f $batch.Total, $batch.Completed, $batch.Active, $batch.Failed
                        if ($seen -notin $using:written) { $problems.Add("Get-SaltBatch saw $seen") }
                        $active = @(Get-SaltActiveBatch -CacheDir $using:cache -ErrorAction Stop)
                        if ($active.Count -ne 1 -or $active[0].Jid -ne $using:jid) { $problems.Add("Get-SaltActiveBatch saw $($active.Jid -join ',')") }
                    }
                    catch {
                        $problems.Add($_.ToString())
                    }
                    $reads++
                }
                [pscustomobject]@{ Reads = $reads; Problems = $problems.ToArray() }
            }

            $churn.WaitForExit(60000) | Should -BeTrue
            $churn.ExitCode | Should -Be 0 -Because $churn.StandardError.ReadToEnd()
            # Not $results.Problems: under strict mode, member enumeration that yields nothing throws.
            @($results | ForEach-Object Problems) | Select-Object -First 5 | Should -BeNullOrEmpty
            ($results.Reads | Measure-Object -Sum).Sum | Should -BeGreaterThan 10
        }
        finally {
            if (-not $churn.HasExited) { $churn.Kill($true) }
            $churn.Dispose()
        }
    }
}

Describe 'Stopping many batches at once' {
    BeforeAll {
        $script:Master = Start-SimulatedMaster -Root (Join-Path $TestDrive 'parallel-stop')
        $script:Jids = 0..9 | ForEach-Object { '2024061012{0:D2}00000000' -f $_ }
        $null = New-SaltTestCache -Path $Master.CacheDir -Spec @{
            batches     = @($Jids | ForEach-Object { @{ jid = $_; fun = 'test.ping'; tgt = 'web*'; total = 4; done = 1; active = 2; batchSize = 2 } })
            activeIndex = $Jids
        }
    }
    AfterAll {
        Stop-SimulatedMaster $Master
    }

    It 'confirms every stop when 10 batches are stopped with -Kill from parallel runspaces' {
        $results = $Jids | ForEach-Object -ThrottleLimit 10 -Parallel {
            Import-Module $using:ModulePath
            try {
                Stop-SaltBatch -ConfigPath ($using:Master).ConfigPath -Jid $_ -Kill -Force -PassThru -TimeoutSec 30 -ErrorAction Stop
            }
            catch {
                "$_"
            }
        }

        $results | Where-Object { $_ -is [string] } | Should -BeNullOrEmpty
        $results.Count | Should -Be 10
        $results | ForEach-Object { $_.State | Should -Be 'Halted' }
        ($results.Jid | Sort-Object) | Should -Be $Jids
        @(Get-MasterJournal $Master -Kind 'publish-received').Count | Should -Be 10
        (Get-SaltBatch -ConfigPath $Master.ConfigPath -Jid $Jids).State | Should -Be (@('Halted') * 10)
    }
}

# Start-SaltBatch run as root on a master whose account is not root: what that account plants in its own cache must
# not lead root anywhere. Root writes the cache with the master's identity, so a symlink there is followed with the
# master's rights only (docs/security.md). Needs root (CI runs as root) to make the master's account.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule
    $script:IsRoot = (& id -u) -eq '0'
    $script:MasterUser = 'sbsafe' + [guid]::NewGuid().ToString('n').Substring(0, 6)
    $script:Accepted = 'web1,web2,web3'
    if ($IsRoot) {
        & useradd --system --no-create-home --shell /usr/sbin/nologin $MasterUser
        if ($LASTEXITCODE -ne 0) { throw "useradd $MasterUser failed" }
    }

    # A master run by its own account, whose cache (key files included) is that account's, as on a packaged master
    # since 3006.3.
    function New-ServiceAccountMaster([string[]] $MasterArgs = @()) {
        $root = Join-Path $TestDrive ("master-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 8))
        $master = Start-SimulatedMaster -Root $root -User $MasterUser -ExtraArgs (@('--accepted-minions', $Accepted) + $MasterArgs)
        & chown -R "${MasterUser}:" $master.CacheDir
        $master
    }

    # Root's own directory outside the cache, with a root-only file: what an attacker would aim a symlink at.
    function New-RootOnlyTarget {
        $directory = Join-Path $TestDrive ("root-only-{0}" -f [guid]::NewGuid().ToString('n').Substring(0, 8))
        $null = New-Item -ItemType Directory -Path $directory
        & chmod 755 $directory
        $file = Join-Path $directory 'secret'
        Set-Content -LiteralPath $file -Value 'root only' -NoNewline
        & chmod 600 $file
        [pscustomobject]@{ Directory = $directory; File = $file }
    }

    # Everything a user would notice about the target: what is in the directory, and the file's bytes, owner and mode.
    function Get-Fingerprint($Target) {
        @(
            (Get-ChildItem -Force -LiteralPath $Target.Directory | Sort-Object Name | ForEach-Object Name) -join ','
            (& stat -c '%U %G %a %s' $Target.File)
            (Get-Content -Raw -LiteralPath $Target.File)
        ) -join ' | '
    }
}

AfterAll {
    if ($IsRoot) { & userdel $MasterUser }
}

Describe 'Start-SaltBatch as root in a cache the master''s account controls' {
    BeforeEach {
        if (-not $IsRoot) { Set-ItResult -Skipped -Because 'making a master account and writing with its identity needs root (CI runs as root)' }
    }

    It 'follows no jobs/xx symlink the master''s account planted: SaltBatchAccessDenied, root''s directory untouched, nothing started' {
        $master = New-ServiceAccountMaster
        $target = New-RootOnlyTarget
        $before = Get-Fingerprint $target
        try {
            # Every possible first level of a job directory points into root's directory, so whatever the JID, its
            # directory would be made there by a writer with root's rights.
            $jobs = Join-Path $master.CacheDir 'jobs'
            $null = New-Item -ItemType Directory -Path $jobs
            0..255 | ForEach-Object { $null = New-Item -ItemType SymbolicLink -Path (Join-Path $jobs ('{0:x2}' -f $_)) -Target $target.Directory }
            & chown -h -R "${MasterUser}:" $jobs

            $failure = $null
            try { Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 1 -ErrorAction Stop } catch { $failure = $_ }

            $failure.FullyQualifiedErrorId | Should -Be 'SaltBatchAccessDenied,SaltBatch.StartSaltBatchCommand'
            $failure.Exception.Message | Should -BeLike "*identity of the master's user*symlink*"
            Get-Fingerprint $target | Should -Be $before
            Test-Path (Join-Path $master.CacheDir 'batch_active.p') | Should -BeFalse
            Get-MasterJournal $master -Kind 'event-received' | Where-Object tag -Like 'salt/batch/*' | Should -BeNullOrEmpty
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'neither reads nor writes through an index the master''s account replaced with a symlink to a root-only file, and leaves no half-written batch' {
        # Not adopting from the new event: what happens to the symlink is then up to Start-SaltBatch alone.
        $master = New-ServiceAccountMaster -MasterArgs '--never-adopt'
        $target = New-RootOnlyTarget
        $before = Get-Fingerprint $target
        try {
            $index = Join-Path $master.CacheDir 'batch_active.p'
            $null = New-Item -ItemType SymbolicLink -Path $index -Target $target.File
            & chown -h "${MasterUser}:" $index

            $failure = $null
            try { Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 1 -ErrorAction Stop } catch { $failure = $_ }

            $failure.FullyQualifiedErrorId | Should -Be 'SaltBatchAccessDenied,SaltBatch.StartSaltBatchCommand'
            $failure.Exception.Message | Should -BeLike '*Nothing was started: the job directory was removed again.*'
            Get-Fingerprint $target | Should -Be $before
            (Get-Item -Force -LiteralPath $index).LinkTarget | Should -Be $target.File
            # The job directory and its .batch.p were undone: no batch that nobody drives is left to read as Running.
            @(Get-ChildItem -Path (Join-Path $master.CacheDir 'jobs') -Directory | Get-ChildItem -Directory) | Should -BeNullOrEmpty
            @(Get-SaltBatch -ConfigPath $master.ConfigPath) | Should -BeNullOrEmpty
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'reads the master''s key file with the master''s identity: a symlink planted in its place does not send root''s file to the master' {
        $master = New-ServiceAccountMaster
        $target = New-RootOnlyTarget
        try {
            $key = Join-Path $master.CacheDir ".${MasterUser}_key"
            Remove-Item -Force -LiteralPath $key
            $null = New-Item -ItemType SymbolicLink -Path $key -Target $target.File
            & chown -h "${MasterUser}:" $key

            { Start-SaltBatch -ConfigPath $master.ConfigPath -Target 'web*' -Function test.ping -BatchSize 1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'SaltBatchAuthenticationFailed,SaltBatch.StartSaltBatchCommand' -PassThru |
                ForEach-Object { $_.Exception.Message | Should -BeLike "*The key file $key could not be read*" }
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }

    It 'writes every file it creates, chmods or renames in the cache with the master''s fsuid, and chowns nothing by path (strace)' {
        if (-not (Get-Command strace -ErrorAction SilentlyContinue)) { throw 'strace is missing: apt-get install strace (.ci/run installs it)' }
        # A master that does not adopt from the new event, so that Start-SaltBatch writes the index itself too.
        $master = New-ServiceAccountMaster -MasterArgs '--never-adopt'
        $trace = Join-Path $TestDrive 'start.strace'
        try {
            $uid = [long](& id -u $MasterUser)
            $script = "Import-Module '$(Get-SaltBatchModulePath)'; Start-SaltBatch -ConfigPath '$($master.ConfigPath)' -Target 'web*' -Function test.ping -BatchSize 1 | ForEach-Object Jid"
            $calls = 'setfsuid,setfsgid,open,openat,creat,mkdir,mkdirat,chmod,fchmodat,chown,lchown,fchownat,rename,renameat,renameat2,unlink,unlinkat,link,linkat,symlink,symlinkat'
            $jid = Invoke-ChildPwsh -Script $script -Prefix @('strace', '-f', '-qq', '-s', '4096', '-e', "trace=$calls", '-o', $trace)

            $jid | Should -Match '^\d{20}$'
            $cache = $master.CacheDir.TrimEnd('/') + '/'
            $fsuid = @{}
            $changes = [System.Collections.Generic.List[object]]::new()
            foreach ($line in [IO.File]::ReadLines($trace)) {
                if ($line -notmatch '^(?<tid>\d+)\s+(?<call>\w+)\((?<args>.*)') { continue }
                $tid = $Matches.tid; $call = $Matches.call; $arguments = $Matches.args
                if ($call -eq 'setfsuid') {
                    $requested = [long]($arguments -replace '\).*$', '')
                    if ($requested -notin -1, 4294967295) { $fsuid[$tid] = $requested }
                    continue
                }
                # A call that creates, truncates, changes or replaces something at a path inside the cache.
                if ($arguments -notmatch [regex]::Escape('"' + $cache)) { continue }
                if ($call -in 'open', 'openat' -and $arguments -notmatch 'O_CREAT|O_TRUNC|O_WRONLY|O_RDWR') { continue }
                $changes.Add([pscustomobject]@{ Call = $call; Fsuid = $(if ($fsuid.ContainsKey($tid)) { $fsuid[$tid] } else { 0 }); Line = $line })
            }

            # Not vacuous: the job directory, .batch.p and the index were made here, and each shows in the trace.
            @($changes | Where-Object Call -In 'mkdir', 'mkdirat').Count | Should -BeGreaterOrEqual 2
            @($changes | Where-Object Call -Like 'rename*').Count | Should -BeGreaterOrEqual 2
            @($changes | Where-Object Call -In 'chown', 'lchown', 'fchownat') | Should -BeNullOrEmpty
            @($changes | Where-Object Fsuid -ne $uid | ForEach-Object Line) | Should -BeNullOrEmpty -Because "root (fsuid 0) must not change anything inside $cache"
        }
        finally {
            Stop-SimulatedMaster $master
        }
    }
}

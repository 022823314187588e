# The test harness's own helpers (tests/TestHelpers.psm1).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:InstallMessage = "Test peers missing: install Debian's python3-msgpack, python3-zmq, salt-pepper and python3-requests (apt-get install python3-msgpack python3-zmq salt-pepper python3-requests)"
}

Describe 'Get-PeerPython' {
    BeforeEach { $script:SavedPython = $env:SALTBATCH_PYTHON }
    AfterEach { $env:SALTBATCH_PYTHON = $script:SavedPython }

    It 'returns an interpreter that imports msgpack, zmq, pepper and requests' {
        $python = Get-PeerPython
        & $python -c 'import msgpack, zmq, pepper.libpepper, requests'
        $LASTEXITCODE | Should -Be 0
    }

    It 'throws the install instructions when the interpreter does not exist' {
        $env:SALTBATCH_PYTHON = '/nonexistent/python3'
        { Get-PeerPython } | Should -Throw -ExpectedMessage $script:InstallMessage
    }

    It 'throws the install instructions when the interpreter cannot import the peers'' packages' {
        # /bin/false stands in for a python3 without python3-msgpack/python3-zmq: it exits non-zero.
        $env:SALTBATCH_PYTHON = '/bin/false'
        { Get-PeerPython } | Should -Throw -ExpectedMessage $script:InstallMessage
    }
}

Describe 'Invoke-TestKit' {
    BeforeEach { $script:SavedKit = $env:SALTBATCH_TESTKIT }
    AfterEach { $env:SALTBATCH_TESTKIT = $script:SavedKit }

    It 'lists the kit''s commands when called without one' {
        $failure = { Invoke-TestKit } | Should -Throw -PassThru

        $failure.Exception.Message | Should -BeLike '*exited with 2*simulate-master*write-cache*'
    }

    It 'throws with the exit code and stderr when the kit fails' {
        $env:SALTBATCH_TESTKIT = '/nonexistent/SaltBatch.TestKit.dll'
        { Invoke-TestKit fixture } | Should -Throw -ExpectedMessage 'SaltBatch.TestKit fixture exited with *: Could not execute*'
    }
}

# The help Get-Help shows for the built module (module/en-US, built from module/help by tools/Build-Help.ps1).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    # Discovered from the module, not listed here: a cmdlet added later is covered without touching this file.
    $module = Import-SaltBatchModule
    $script:Cmdlets = @($module.ExportedCmdlets.Keys | Sort-Object | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SaltBatchModule
}

Describe 'Help for <Name>' -ForEach $Cmdlets {
    BeforeAll {
        $script:Help = Get-Help $Name -Full
        $script:Command = Get-Command $Name
    }

    It 'has a synopsis of its own, not the syntax Get-Help falls back to' {
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis.Trim() | Should -Not -BeLike "$Name *"
    }

    It 'has a description' {
        (@($Help.description).Text -join '').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter except the common ones' {
        $documented = @{}
        foreach ($parameter in @($Help.parameters.parameter)) {
            $documented[$parameter.name] = (@($parameter.description).Text -join '').Trim()
        }
        $undescribed = @($Command.Parameters.Keys |
                Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters -and -not $documented[$_] })

        $undescribed | Should -BeNullOrEmpty -Because 'every parameter needs a description'
    }

    It 'has at least two examples, each with code' {
        $examples = @($Help.examples.example)

        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) { "$($example.code)".Trim() | Should -Not -BeNullOrEmpty -Because $example.title }
    }
}

Describe 'about_SaltBatch' {
    It 'is found by Get-Help and covers framing and permissions' {
        $text = Get-Help about_SaltBatch | Out-String

        $text | Should -Match 'about_SaltBatch'
        $text | Should -Match 'framing'
        $text | Should -Match 'SALTBATCH_EVENT_FRAMING'
        $text | Should -Match 'permission'
        $text | Should -Match 'SaltBatchStopNotConfirmed'
    }
}

Describe 'Help build' {
    It 'fails, naming each gap, when a cmdlet has no source or a parameter no description' {
        $sources = Join-Path $TestDrive 'help'
        Copy-Item -Path (Join-Path (Split-Path -Parent (Get-SaltBatchModulePath)) 'help') -Destination $sources -Recurse
        Remove-Item -LiteralPath (Join-Path $sources 'Get-SaltMasterConfig.md')
        $stop = Join-Path $sources 'Stop-SaltBatch.md'
        (Get-Content -Raw -LiteralPath $stop) -replace '(?ms)^## -Kill\r?\n.*?(?=^## )', '' | Set-Content -LiteralPath $stop
        $buildHelp = Join-Path (Split-Path -Parent $PSScriptRoot) 'tools/Build-Help.ps1'

        $output = Invoke-ChildPwsh -Script "& '$buildHelp' -ModuleManifest '$(Get-SaltBatchModulePath)' -SourceDir '$sources' -OutputDir '$(Join-Path $TestDrive 'en-US')'" 2>&1

        $LASTEXITCODE | Should -Not -Be 0
        ($output -join "`n") | Should -Match 'No help source for exported cmdlet Get-SaltMasterConfig'
        ($output -join "`n") | Should -Match 'Stop-SaltBatch\.md: parameter -Kill has no description'
        Join-Path $TestDrive 'en-US/SaltBatch.dll-Help.xml' | Should -Not -Exist
    }
}

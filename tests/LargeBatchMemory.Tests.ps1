BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'Summarising a large batch' {
    It 'reads a .batch.p of over 100 MB with peak memory under 100 MB above the baseline' {
        $result = & (Join-Path $PSScriptRoot 'bench/Measure-SummaryMemory.ps1') -WorkDir (Join-Path $TestDrive 'memory')

        $result.FileMB | Should -BeGreaterThan 100
        $result.Completed | Should -Be 2180
        $result.PeakAboveBaseMB | Should -BeLessThan 100
    }
}

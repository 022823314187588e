<#
.SYNOPSIS
    Packs the built module (module/) into SaltBatch.<version>.nupkg for Install-PSResource / Save-PSResource.

.DESCRIPTION
    Run by build.ps1 -Task Package in a child pwsh after a build, and by tests/Package.Tests.ps1. It never
    builds: it packs what module/ holds, so a test can pack the module the test run already loaded.

    Only what a user needs ships, in module/'s layout: the manifest, SaltBatch.dll, dependencies/ (the engine and
    its third-party DLLs, which the module's private load context reads from there), the format and lifecycle
    files and the built help in en-US/. The markdown help sources (module/help/) are build input and stay out.

    Compress-PSResource (PSResourceGet 1.1+, bundled with PowerShell 7.6) writes the same nupkg that
    Publish-PSResource would, without registering a repository. PSResourceGet still creates its default
    repository list on first use, in the user's data directory; this process points XDG_DATA_HOME at a
    temporary folder first, so packing leaves the user's PSResourceGet configuration untouched.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $OutputDir
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$ModuleName = 'SaltBatch'
$BuildOnly = @('help')

$ModuleDir = (Resolve-Path -LiteralPath $ModuleDir).Path
$manifest = Import-PowerShellDataFile -Path (Join-Path $ModuleDir "$ModuleName.psd1")
foreach ($required in "$ModuleName.dll", "en-US/$ModuleName.dll-Help.xml", 'en-US/about_SaltBatch.help.txt') {
    if (-not (Test-Path -LiteralPath (Join-Path $ModuleDir $required))) {
        throw "$required is missing from $ModuleDir; run ./build.ps1 first."
    }
}

$work = Join-Path ([System.IO.Path]::GetTempPath()) "saltbatch-package-$([guid]::NewGuid())"
# PSResourceGet packs a module from a folder named after it.
$stage = Join-Path $work $ModuleName
# Before PSResourceGet loads: it reads XDG_DATA_HOME once, for where its configuration lives. The folder
# must exist: .NET ignores a missing one, and PSResourceGet then writes into the current directory.
$env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force -Path (Join-Path $work 'data-home')).FullName
try {
    $null = New-Item -ItemType Directory -Force -Path $stage
    Get-ChildItem -LiteralPath $ModuleDir -Force |
        Where-Object Name -NotIn $BuildOnly |
        Copy-Item -Destination $stage -Recurse -Force

    $null = New-Item -ItemType Directory -Force -Path $OutputDir
    $package = Join-Path $OutputDir "$ModuleName.$($manifest.ModuleVersion).nupkg"
    Remove-Item -LiteralPath $package -ErrorAction SilentlyContinue   # never mistake an old package for this one
    Compress-PSResource -Path $stage -DestinationPath $OutputDir
    if (-not (Test-Path -LiteralPath $package)) { throw "Compress-PSResource did not write $package." }
    Write-Host "==> Package ready: $((Resolve-Path -LiteralPath $package).Path)"
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

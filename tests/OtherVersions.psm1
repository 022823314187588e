<#
    Other versions of SaltBatch's third-party assemblies, as other modules and tools bring them into a session: the
    YamlDotNet 16 that powershell-yaml ships, a MessagePack 2.2 as many .NET tools bundle, an older NetMQ with its
    AsyncIO and NaCl. Built at test time into artifacts/other-versions/ (kept between runs, never committed):

    - YamlDotNet 16.3.0 and MessagePack 2.2.85 (with its MessagePack.Annotations) are restored from NuGet by a
      generated project, so their own dependencies come along as a module would ship them.
    - NetMQ, AsyncIO and NaCl.Net: the registry serves only the versions SaltBatch uses, so stand-ins are compiled
      instead: the same assembly names with older version numbers and one member each (StandIn) that the real
      assemblies lack. To the loader they are exactly what an older NetMQ is (same simple name, lower version); the
      member proves which copy a caller got.
#>

Set-StrictMode -Version Latest

$script:RepoRoot = if ($env:SALTBATCH_REPO_ROOT) { $env:SALTBATCH_REPO_ROOT } else { Split-Path -Parent $PSScriptRoot }
$script:Root = Join-Path $script:RepoRoot 'artifacts/other-versions'

$script:Packages = [ordered]@{ YamlDotNet = '16.3.0'; MessagePack = '2.2.85' }

# Stand-ins: assembly name -> the older version they claim.
$script:StandIns = [ordered]@{ NetMQ = '4.0.1.13'; AsyncIO = '0.1.26.0'; NaCl = '0.1.5.0' }

function Get-OtherVersionAssembly {
    <#
    .SYNOPSIS
        Returns the other versions' assembly paths by group (YamlDotNet, MessagePack, NetMQ), restoring and compiling
        them first when they are not there yet.
    .OUTPUTS
        One object per group: Group, Paths (load them in this order), Versions (assembly name -> version string).
    #>
    [CmdletBinding()]
    param()
    $packages = Join-Path $script:Root 'packages'
    $standIns = Join-Path $script:Root 'stand-ins'
    if (@('YamlDotNet.dll', 'MessagePack.dll', 'MessagePack.Annotations.dll' | Where-Object { -not (Test-Path -LiteralPath (Join-Path $packages $_)) })) {
        Restore-OtherVersionPackage -Destination $packages
    }
    foreach ($name in $script:StandIns.Keys) {
        if (-not (Test-Path -LiteralPath (Join-Path $standIns "$name.dll"))) {
            New-StandInAssembly -Name $name -Version $script:StandIns[$name] -Destination $standIns
        }
    }

    $groups = [ordered]@{
        YamlDotNet  = @(Join-Path $packages 'YamlDotNet.dll')
        MessagePack = @((Join-Path $packages 'MessagePack.Annotations.dll'), (Join-Path $packages 'MessagePack.dll'))
        NetMQ       = @($script:StandIns.Keys | ForEach-Object { Join-Path $standIns "$_.dll" })
    }
    foreach ($group in $groups.Keys) {
        $versions = [ordered]@{}
        foreach ($path in $groups[$group]) {
            $name = [System.Reflection.AssemblyName]::GetAssemblyName($path)
            $versions[$name.Name] = $name.Version.ToString()
        }
        [pscustomobject]@{ Group = $group; Paths = $groups[$group]; Versions = $versions }
    }
}

function Restore-OtherVersionPackage {
    # A class library with nothing in it, whose build output is the packages and everything they depend on.
    param([Parameter(Mandatory)] [string] $Destination)
    $project = Join-Path $script:Root 'restore'
    $null = New-Item -ItemType Directory -Force -Path $project
    $references = foreach ($name in $script:Packages.Keys) { "    <PackageReference Include=`"$name`" Version=`"$($script:Packages[$name])`" />" }
    Set-Content -LiteralPath (Join-Path $project 'OtherVersions.csproj') -Encoding utf8NoBOM -Value @(
        '<Project Sdk="Microsoft.NET.Sdk">'
        '  <PropertyGroup>'
        '    <TargetFramework>net8.0</TargetFramework>'
        '    <CopyLocalLockFileAssemblies>true</CopyLocalLockFileAssemblies>'
        '  </PropertyGroup>'
        '  <ItemGroup>'
        $references
        '  </ItemGroup>'
        '</Project>'
    )
    $output = & dotnet build $project -c Release -o $Destination --nologo -v q 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "Restoring $(($script:Packages.Keys | ForEach-Object { "$_ $($script:Packages[$_])" }) -join ', ') failed:`n$($output -join "`n")"
    }
}

function New-StandInAssembly {
    # Compiled with the Roslyn that PowerShell carries (Add-Type names its output assemblies at random).
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $Version,
        [Parameter(Mandatory)] [string] $Destination
    )
    $null = New-Item -ItemType Directory -Force -Path $Destination
    $code = @"
[assembly: System.Reflection.AssemblyVersion("$Version")]
namespace $Name
{
    public static class StandIn
    {
        public static string Describe() => "$Name $Version stand-in";
    }
}
"@
    # Add-Type loads Roslyn into this session; the stand-in itself is only written, never loaded here.
    Add-Type -TypeDefinition 'public static class SaltBatchStandInCompilerWarmUp { }'
    $tree = [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText($code)
    $references = [Microsoft.CodeAnalysis.MetadataReference[]]@([Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile([object].Assembly.Location))
    $options = [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary)
    $compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create($Name, [Microsoft.CodeAnalysis.SyntaxTree[]]@($tree), $references, $options)
    $path = Join-Path $Destination "$Name.dll"
    $stream = [System.IO.File]::Create($path)
    try {
        $result = $compilation.Emit($stream)
    }
    finally {
        $stream.Dispose()
    }
    if (-not $result.Success) {
        Remove-Item -LiteralPath $path -ErrorAction SilentlyContinue
        throw "Compiling the $Name stand-in failed: $($result.Diagnostics -join '; ')"
    }
}

Export-ModuleMember -Function Get-OtherVersionAssembly

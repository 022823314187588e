<#
.SYNOPSIS
    Builds the module's help (MAML and the about topic) from the markdown sources in module/help.

.DESCRIPTION
    Run by build.ps1 in a child pwsh after the module is assembled: it imports the built module, so the
    build's own session never loads (and never locks) the module's DLLs.

    For every cmdlet the module exports, <SourceDir>/<Cmdlet>.md supplies the prose (convention:
    module/help/README.md) and the loaded cmdlet supplies the facts: parameter sets, types, positions,
    pipeline input, aliases, wildcards and default values. The result is <OutputDir>/SaltBatch.dll-Help.xml
    (MAML, found by Get-Help next to the DLL) and <OutputDir>/about_SaltBatch.help.txt from about_SaltBatch.md.

    Fails, listing every problem at once, when an exported cmdlet has no source, a parameter has no
    description, or a required section or the two examples are missing: help must not silently rot.
    A documented parameter the cmdlet lacks is only a warning, so help can be written ahead of the code.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $SourceDir,
    [Parameter(Mandatory)] [string] $OutputDir
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'
# Parameters every cmdlet gets from PowerShell; Get-Help documents them itself (about_CommonParameters).
$CommonParameters = [System.Management.Automation.Cmdlet]::CommonParameters
$SharedSourceName = 'SharedParameters.md'
$AboutSourceName = 'about_SaltBatch.md'
$MinimumExamples = 2

function Read-HelpSource {
    <#
        Splits a help source into sections: '# Name' opens a section, '## Title' a subsection inside it.
        Returns an ordered dictionary: section name -> @{ Lines = <lines before the first subsection>;
        Subsections = list of @{ Title; Lines } }. Headings inside ``` fences are code, not structure.
    #>
    param([Parameter(Mandatory)] [string] $Path)
    $sections = [ordered]@{}
    $section = $null
    $target = $null
    $inFence = $false
    foreach ($line in [System.IO.File]::ReadAllLines($Path)) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^# (.+?)\s*$') {
            $section = @{ Lines = [System.Collections.Generic.List[string]]::new(); Subsections = [System.Collections.Generic.List[object]]::new() }
            $sections[$Matches[1]] = $section
            $target = $section.Lines
        }
        elseif (-not $inFence -and $line -match '^## (.+?)\s*$' -and $section) {
            $sub = @{ Title = $Matches[1]; Lines = [System.Collections.Generic.List[string]]::new() }
            $section.Subsections.Add($sub)
            $target = $sub.Lines
        }
        elseif ($null -ne $target) {   # (an empty list is falsy)
            $target.Add($line)
        }
    }
    $sections
}

function ConvertFrom-InlineMarkdown {
    # Console help is plain text: code spans and emphasis markers would only be noise there.
    param([string] $Text)
    $Text -replace '`', '' -replace '\*\*', ''
}

function ConvertTo-Paragraphs {
    <#
        Markdown lines -> paragraphs: blank lines separate them, each '- ' bullet is its own paragraph, and a
        fenced block stays one paragraph with its line breaks. Wrapped lines are joined: Get-Help rewraps.
    #>
    param([AllowEmptyCollection()] [string[]] $Lines)
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $inFence = $false
    $flush = {
        if ($current.Count -gt 0) {
            $joiner = if ($inFence) { "`n" } else { ' ' }
            $paragraphs.Add((ConvertFrom-InlineMarkdown ($current -join $joiner)))
            $current.Clear()
        }
    }
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') {
            . $flush
            $inFence = -not $inFence
            continue
        }
        if ($inFence) { $current.Add($line); continue }
        if ($line -match '^\s*$') { . $flush; continue }
        if ($line -match '^\s*[-*] ') { . $flush }
        $current.Add($line.Trim())
    }
    . $flush
    $paragraphs
}

function Get-SectionParagraphs {
    param($Source, [string] $Name)
    if ($Source.Contains($Name)) { ConvertTo-Paragraphs $Source[$Name].Lines }
}

function Split-Example {
    # An example is its first fenced block (the code) and the prose around it (the remarks).
    param([string[]] $Lines)
    $code = [System.Collections.Generic.List[string]]::new()
    $remarks = [System.Collections.Generic.List[string]]::new()
    $state = 'before'
    foreach ($line in $Lines) {
        # Only the first fence pair is the code; any later fence is part of the remarks.
        if ($line -match '^\s*```' -and $state -eq 'before') { $state = 'code'; continue }
        if ($line -match '^\s*```' -and $state -eq 'code') { $state = 'after'; continue }
        if ($state -eq 'code') { $code.Add($line) } else { $remarks.Add($line) }
    }
    @{ Code = ($code -join "`n").Trim(); Remarks = @(ConvertTo-Paragraphs $remarks.ToArray()) }
}

function Get-ParameterHelp {
    # The cmdlet's own '## -Name' sections win over the shared ones (-ConfigPath, -CacheDir, -WhatIf, -Confirm).
    param($Source, $Shared)
    $descriptions = @{}
    foreach ($origin in @($Shared, $Source)) {
        if (-not $origin -or -not $origin.Contains('Parameters')) { continue }
        foreach ($sub in $origin['Parameters'].Subsections) {
            $name = $sub.Title -replace '^-', ''
            $descriptions[$name] = @(ConvertTo-Paragraphs $sub.Lines.ToArray())
        }
    }
    $descriptions
}

function Get-DefaultValue {
    <#
        The default is what a fresh cmdlet object holds before binding: read from the implementation, so the
        help cannot disagree with the code.
    #>
    param($Instance, $Parameter)
    if ($Parameter.ParameterType -eq [System.Management.Automation.SwitchParameter]) { return 'False' }
    $value = $Instance.($Parameter.Name)
    if ($null -eq $value -or ($value -is [array] -and $value.Count -eq 0) -or "$value" -eq '') { return 'None' }
    "$value"
}

function Get-PipelineInput {
    param($Parameter)
    $kinds = @(
        if ($Parameter.ValueFromPipeline) { 'ByValue' }
        if ($Parameter.ValueFromPipelineByPropertyName) { 'ByPropertyName' }
    )
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Get-AllowedValues {
    # Shown in the syntax as {A | B}: the enum's names, or a [ValidateSet]'s values.
    param($Parameter)
    $type = $Parameter.ParameterType
    if ($type.IsEnum) { return [enum]::GetNames($type) }
    $set = $Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    if ($set) { return $set.ValidValues }
    @()
}

function Get-OrderedParameters {
    # Syntax order as Get-Help would show it: positional by position, then mandatory, then the rest as declared.
    param($ParameterSet)
    $ParameterSet.Parameters |
        Where-Object { $_.Name -notin $CommonParameters } |
        Sort-Object -Stable @{ Expression = { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } } },
        @{ Expression = { -not $_.IsMandatory } }
}

# --- Writing MAML. Write-Element opens an element, runs its body, and closes it, so the nesting reads as the document.

$Namespaces = @{ maml = $MamlNs; command = $CommandNs; dev = $DevNs }

function Write-Element {
    param([System.Xml.XmlWriter] $Xml, [string] $Name, [scriptblock] $Body)
    $prefix, $local = $Name -split ':'
    $Xml.WriteStartElement($prefix, $local, $Namespaces[$prefix])
    & $Body
    $Xml.WriteEndElement()
}

function Write-Text {
    param([System.Xml.XmlWriter] $Xml, [string] $Name, [string] $Text)
    $prefix, $local = $Name -split ':'
    $Xml.WriteElementString($prefix, $local, $Namespaces[$prefix], $Text)
}

function Write-Attributes {
    param([System.Xml.XmlWriter] $Xml, [System.Collections.IDictionary] $Attributes)
    foreach ($name in $Attributes.Keys) { $Xml.WriteAttributeString($name, $Attributes[$name]) }
}

function ConvertTo-XmlBoolean { param([bool] $Value) "$Value".ToLowerInvariant() }

function Write-Paragraphs {
    param([System.Xml.XmlWriter] $Xml, [string[]] $Paragraphs)
    foreach ($paragraph in $Paragraphs) { Write-Text $Xml 'maml:para' $paragraph }
}

function Write-Description {
    param([System.Xml.XmlWriter] $Xml, [string[]] $Paragraphs)
    Write-Element $Xml 'maml:description' { Write-Paragraphs $Xml $Paragraphs }
}

function Write-Parameter {
    param([System.Xml.XmlWriter] $Xml, $Parameter, [string[]] $Description, [string] $DefaultValue)
    $type = $Parameter.ParameterType
    Write-Element $Xml 'command:parameter' {
        Write-Attributes $Xml ([ordered]@{
                required       = ConvertTo-XmlBoolean $Parameter.IsMandatory
                variableLength = ConvertTo-XmlBoolean $type.IsArray
                globbing       = ConvertTo-XmlBoolean ([bool] ($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }))
                pipelineInput  = Get-PipelineInput $Parameter
                position       = if ($Parameter.Position -ge 0) { "$($Parameter.Position)" } else { 'named' }
                aliases        = if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }
            })
        Write-Text $Xml 'maml:name' $Parameter.Name
        Write-Description $Xml $Description
        $allowed = @(Get-AllowedValues $Parameter)
        if ($allowed) {
            Write-Element $Xml 'command:parameterValueGroup' {
                foreach ($value in $allowed) {
                    Write-Element $Xml 'command:parameterValue' {
                        Write-Attributes $Xml ([ordered]@{ required = 'false'; variableLength = 'false' })
                        $Xml.WriteString($value)
                    }
                }
            }
        }
        # A switch takes no value, so Get-Help shows it as a bare -Name.
        if ($type -ne [System.Management.Automation.SwitchParameter]) {
            Write-Element $Xml 'command:parameterValue' {
                Write-Attributes $Xml ([ordered]@{ required = 'true'; variableLength = ConvertTo-XmlBoolean $type.IsArray })
                $Xml.WriteString($type.Name)
            }
        }
        Write-Element $Xml 'dev:type' { Write-Text $Xml 'maml:name' $type.FullName }
        Write-Text $Xml 'dev:defaultValue' $DefaultValue
    }
}

function Write-TypeList {
    # Inputs and Outputs: one '## Type.Name' subsection each, its prose the description.
    param([System.Xml.XmlWriter] $Xml, $Source, [string] $Section, [string] $ListElement, [string] $ItemElement)
    Write-Element $Xml "command:$ListElement" {
        foreach ($sub in $Source[$Section].Subsections) {
            Write-Element $Xml "command:$ItemElement" {
                Write-Element $Xml 'dev:type' { Write-Text $Xml 'maml:name' (ConvertFrom-InlineMarkdown $sub.Title) }
                Write-Description $Xml (ConvertTo-Paragraphs $sub.Lines.ToArray())
            }
        }
    }
}

function Test-HelpSource {
    # Every problem found, as text; empty when the source and the cmdlet agree.
    param($Command, $Source, $ParameterHelp)
    $name = $Command.Name
    foreach ($section in 'Synopsis', 'Description', 'Examples', 'Inputs', 'Outputs') {
        if (-not $Source.Contains($section)) { "$name.md: no '# $section' section." }
    }
    foreach ($section in 'Synopsis', 'Description') {
        if ($Source.Contains($section) -and @(Get-SectionParagraphs $Source $section).Count -eq 0) { "$name.md: '# $section' is empty." }
    }
    $examples = if ($Source.Contains('Examples')) { @($Source['Examples'].Subsections) } else { @() }
    if ($examples.Count -lt $MinimumExamples) { "$name.md: $($examples.Count) example(s); at least $MinimumExamples are required." }
    foreach ($example in $examples) {
        if (-not (Split-Example $example.Lines.ToArray()).Code) { "$name.md: example '$($example.Title)' has no code block." }
    }
    foreach ($parameter in $Command.Parameters.Values) {
        if ($parameter.Name -in $CommonParameters) { continue }
        if (-not $ParameterHelp.ContainsKey($parameter.Name) -or $ParameterHelp[$parameter.Name].Count -eq 0) {
            "$name.md: parameter -$($parameter.Name) has no description (add '## -$($parameter.Name)' under '# Parameters')."
        }
    }
}

function Write-CommandHelp {
    # One cmdlet's <command:command>, in the order Get-Help expects its parts.
    param([System.Xml.XmlWriter] $Xml, $Command, $Source, $ParameterHelp)
    $instance = [Activator]::CreateInstance($Command.ImplementingType)
    Write-Element $Xml 'command:command' {
        Write-Element $Xml 'command:details' {
            Write-Text $Xml 'command:name' $Command.Name
            Write-Text $Xml 'command:verb' $Command.Verb
            Write-Text $Xml 'command:noun' $Command.Noun
            Write-Description $Xml (Get-SectionParagraphs $Source 'Synopsis')
        }
        Write-Description $Xml (Get-SectionParagraphs $Source 'Description')
        Write-Syntax $Xml $Command $instance $ParameterHelp
        Write-ParameterList $Xml $Command $instance $ParameterHelp
        Write-TypeList $Xml $Source 'Inputs' 'inputTypes' 'inputType'
        Write-TypeList $Xml $Source 'Outputs' 'returnValues' 'returnValue'
        Write-Notes $Xml $Source
        Write-Examples $Xml $Source
        Write-RelatedLinks $Xml $Source
    }
}

function Write-Syntax {
    # One syntax line per parameter set.
    param([System.Xml.XmlWriter] $Xml, $Command, $Instance, $ParameterHelp)
    Write-Element $Xml 'command:syntax' {
        foreach ($set in $Command.ParameterSets) {
            Write-Element $Xml 'command:syntaxItem' {
                Write-Text $Xml 'maml:name' $Command.Name
                foreach ($parameter in Get-OrderedParameters $set) {
                    Write-Parameter $Xml $parameter $ParameterHelp[$parameter.Name] (Get-DefaultValue $Instance $parameter)
                }
            }
        }
    }
}

function Write-ParameterList {
    # Each parameter once, described as in the first set that has it.
    param([System.Xml.XmlWriter] $Xml, $Command, $Instance, $ParameterHelp)
    Write-Element $Xml 'command:parameters' {
        $seen = [System.Collections.Generic.HashSet[string]]::new()
        foreach ($set in $Command.ParameterSets) {
            foreach ($parameter in Get-OrderedParameters $set) {
                if ($seen.Add($parameter.Name)) {
                    Write-Parameter $Xml $parameter $ParameterHelp[$parameter.Name] (Get-DefaultValue $Instance $parameter)
                }
            }
        }
    }
}

function Write-Notes {
    param([System.Xml.XmlWriter] $Xml, $Source)
    $notes = @(Get-SectionParagraphs $Source 'Notes')
    if ($notes.Count) {
        Write-Element $Xml 'maml:alertSet' { Write-Element $Xml 'maml:alert' { Write-Paragraphs $Xml $notes } }
    }
}

function Write-Examples {
    param([System.Xml.XmlWriter] $Xml, $Source)
    Write-Element $Xml 'command:examples' {
        foreach ($sub in $Source['Examples'].Subsections) {
            $example = Split-Example $sub.Lines.ToArray()
            Write-Element $Xml 'command:example' {
                Write-Text $Xml 'maml:title' "--------- $(ConvertFrom-InlineMarkdown $sub.Title) ---------"
                Write-Text $Xml 'dev:code' $example.Code
                # The empty paragraph is the blank line Get-Help would otherwise not print before the next example.
                Write-Element $Xml 'dev:remarks' { Write-Paragraphs $Xml ($example.Remarks + '') }
            }
        }
    }
}

function Write-RelatedLinks {
    param([System.Xml.XmlWriter] $Xml, $Source)
    Write-Element $Xml 'command:relatedLinks' {
        foreach ($link in Get-SectionParagraphs $Source 'Related') {
            Write-Element $Xml 'maml:navigationLink' {
                Write-Text $Xml 'maml:linkText' ($link -replace '^[-*]\s+', '')
                Write-Text $Xml 'maml:uri' ''
            }
        }
    }
}

function ConvertTo-AboutText {
    <#
        about_SaltBatch.md -> the classic about_*.help.txt layout Get-Help prints as is: '## HEADING' at the left
        margin in capitals, prose wrapped at 80 columns and indented 4, bullets with a hanging indent, code
        blocks indented 8 and left exactly as written. The '# about_X' title becomes the TOPIC section.
    #>
    param([Parameter(Mandatory)] [string] $Path, [int] $Width = 80)
    $out = [System.Collections.Generic.List[string]]::new()
    $wrap = {
        param([string] $text, [string] $first, [string] $rest)
        $line = $first
        foreach ($word in ($text -split '\s+' | Where-Object { $_ })) {
            if ($line.Length + $word.Length -ge $Width -and $line.Trim()) {
                $out.Add($line.TrimEnd())
                $line = $rest
            }
            $line += "$word "
        }
        $out.Add($line.TrimEnd())
    }
    $paragraph = [System.Collections.Generic.List[string]]::new()
    $nesting = ''   # a bullet indented in the source is indented as much more in the text
    $flush = {
        if ($paragraph.Count) {
            $text = ConvertFrom-InlineMarkdown ($paragraph -join ' ')
            if ($text -match '^[-*] (.*)$') { & $wrap $Matches[1] "    $nesting- " "    $nesting  " } else { & $wrap $text '    ' '    ' }
            $paragraph.Clear()
        }
    }
    $inFence = $false
    foreach ($line in [System.IO.File]::ReadAllLines($Path)) {
        if ($line -match '^\s*```') {
            . $flush
            $inFence = -not $inFence
            continue
        }
        if ($inFence) { $out.Add($(if ($line) { "        $line" } else { '' })); continue }
        if ($line -match '^# (about_\S+)') {
            $out.Add('TOPIC'); $out.Add("    $($Matches[1])")
            continue
        }
        if ($line -match '^##+ (.+)$') {
            . $flush
            if ($out.Count -and $out[-1] -ne '') { $out.Add('') }
            $out.Add($Matches[1].ToUpperInvariant())
            continue
        }
        if ($line -match '^\s*$') {
            . $flush
            if ($out.Count -and $out[-1] -ne '') { $out.Add('') }
            continue
        }
        if ($line -match '^(\s*)[-*] ') {
            $indent = $Matches[1]   # before $flush, whose own -match replaces $Matches
            . $flush
            $nesting = $indent
        }
        $paragraph.Add($line.Trim())
    }
    . $flush
    ($out -join "`n").TrimEnd() + "`n"
}

# --- Main: read and check every source (all problems at once), then write the MAML and the about topic.

# A relative path would be taken for a module name.
$module = Import-Module (Resolve-Path -LiteralPath $ModuleManifest).Path -PassThru -Force
$commands = @($module.ExportedCmdlets.Values | Sort-Object Name)
if ($commands.Count -eq 0) { throw "$ModuleManifest exports no cmdlets; is SaltBatch.dll built?" }
$sharedPath = Join-Path $SourceDir $SharedSourceName
$shared = if (Test-Path -LiteralPath $sharedPath) { Read-HelpSource $sharedPath } else { $null }

$problems = [System.Collections.Generic.List[string]]::new()
$sources = @{}
foreach ($command in $commands) {
    $path = Join-Path $SourceDir "$($command.Name).md"
    if (-not (Test-Path -LiteralPath $path)) {
        $problems.Add("No help source for exported cmdlet $($command.Name): create $path (see $(Join-Path $SourceDir 'README.md')).")
        continue
    }
    $source = Read-HelpSource $path
    $parameterHelp = Get-ParameterHelp $source $shared
    foreach ($problem in Test-HelpSource $command $source $parameterHelp) { $problems.Add($problem) }
    $documentedParameters = if ($source.Contains('Parameters')) { @($source['Parameters'].Subsections | ForEach-Object { $_.Title -replace '^-', '' }) } else { @() }
    foreach ($documented in $documentedParameters) {
        if (-not $command.Parameters.ContainsKey($documented)) {
            Write-Warning "$($command.Name).md documents -$documented, which $($command.Name) does not have; it is left out of the help."
        }
    }
    $sources[$command.Name] = @{ Source = $source; ParameterHelp = $parameterHelp }
}
$aboutPath = Join-Path $SourceDir $AboutSourceName
if (-not (Test-Path -LiteralPath $aboutPath)) { $problems.Add("No about topic source: $aboutPath.") }
if ($problems.Count) {
    # One line each: the error view would wrap a single long message beyond reading.
    $problems | ForEach-Object { Write-Host "ERROR: $_" }
    throw "$($problems.Count) problem(s) in the help sources in $SourceDir; see above."
}

$null = New-Item -ItemType Directory -Force -Path $OutputDir
# The file name Get-Help looks for next to the DLL (SaltBatch.dll-Help.xml), as the cmdlets report it.
$mamlPath = Join-Path $OutputDir $commands[0].HelpFile
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$xml = [System.Xml.XmlWriter]::Create($mamlPath, $settings)
try {
    $xml.WriteStartDocument()
    $xml.WriteStartElement('helpItems', 'http://msh')
    $xml.WriteAttributeString('schema', 'maml')
    $xml.WriteAttributeString('xmlns', 'maml', $null, $MamlNs)
    $xml.WriteAttributeString('xmlns', 'command', $null, $CommandNs)
    $xml.WriteAttributeString('xmlns', 'dev', $null, $DevNs)
    foreach ($command in $commands) {
        Write-CommandHelp $xml $command $sources[$command.Name].Source $sources[$command.Name].ParameterHelp
    }
    $xml.WriteEndElement()
    $xml.WriteEndDocument()
}
finally {
    $xml.Dispose()
}

$aboutText = ConvertTo-AboutText -Path $aboutPath
[System.IO.File]::WriteAllText((Join-Path $OutputDir 'about_SaltBatch.help.txt'), $aboutText, [System.Text.UTF8Encoding]::new($false))
Write-Host "==> Help for $($commands.Count) cmdlet(s): $mamlPath; about topic: $(Join-Path $OutputDir 'about_SaltBatch.help.txt')"

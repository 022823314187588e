# The rules of docs/architecture.md, checked in the code: each fails when a change breaks one, naming the file and line.
BeforeAll {
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
    $script:Architecture = Join-Path $Root 'docs/architecture.md'

    # C# lines that are code, not comments, of the files under src/<Project>.
    function Get-CodeLine([string] $Project) {
        Get-ChildItem -LiteralPath (Join-Path $Root "src/$Project") -Recurse -Filter '*.cs' |
            Where-Object FullName -NotMatch '[\\/](obj|bin)[\\/]' |
            ForEach-Object {
                $file = $_
                $number = 0
                foreach ($text in [System.IO.File]::ReadAllLines($file.FullName)) {
                    $number++
                    if ($text.TrimStart() -notmatch '^//') { [pscustomobject]@{ File = $file.Name; Line = $number; Text = $text.Trim() } }
                }
            }
    }

    function Format-Found($lines) { @($lines | Where-Object { $null -ne $_ } | ForEach-Object { "$($_.File):$($_.Line): $($_.Text)" }) }

    # The backticked names in the "Rooms" table of docs/architecture.md.
    $rooms = (Get-Content -Raw -LiteralPath $Architecture) -split '(?m)^## ' | Where-Object { $_ -like 'Rooms*' }
    $script:RoomNames = @([regex]::Matches($rooms, '`([^`]+)`') | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique)
}

Describe 'The rules of the house (docs/architecture.md)' {
    It 'picks a master implementation in one place: no cmdlet or completer asks whether a master is local or remote' {
        $asking = Get-CodeLine 'SaltBatch' | Where-Object Text -Match '\b(is|as)\s+(LocalBatchMaster|SaltApiBatchMaster)\b'
        $building = Get-CodeLine 'SaltBatch' | Where-Object Text -Match 'new\s+SaltApiBatchMaster\s*\(' | Where-Object File -NE 'MasterSelection.cs'

        Format-Found $asking | Should -BeNullOrEmpty
        Format-Found $building | Should -BeNullOrEmpty
    }

    It 'has one owner of the batch event tags (BatchEvents)' {
        $tags = @('SaltBatch', 'SaltBatch.Core') | ForEach-Object { Get-CodeLine $_ } |
            Where-Object Text -Match 'salt/(batch|job)/' | Where-Object File -NE 'BatchEvents.cs'

        Format-Found $tags | Should -BeNullOrEmpty
    }

    It 'lists the target types once (BatchTarget.Types)' {
        $lists = @('SaltBatch', 'SaltBatch.Core') | ForEach-Object { Get-CodeLine $_ } |
            Where-Object Text -Match '"(pcre|nodegroup|ipcidr|pillar_pcre)"' | Where-Object File -NE 'BatchTarget.cs'

        Format-Found $lists | Should -BeNullOrEmpty
    }

    It 'fans out to several masters in the core only (MasterFanOut): no cmdlet keeps its own channel of results' {
        $channels = Get-CodeLine 'SaltBatch' | Where-Object Text -Match 'System\.Threading\.Channels|Channel\.Create'

        Format-Found $channels | Should -BeNullOrEmpty
    }

    It 'names in its rooms only places, types and members that exist' {
        $searched = @($Root, (Join-Path $Root 'src/SaltBatch.Core'), (Join-Path $Root 'src/SaltBatch'), (Join-Path $Root 'tests'))
        # Files and folders (Cache/*Reader.cs, module/help/*.md), not URLs (/events) or patterns (jobs/<h[:2]>).
        $paths = $RoomNames | Where-Object { $_ -match '(\.(cs|py|md|ps1|ps1xml)|/)$' -and $_ -notmatch '^/|<' }
        $types = $RoomNames | Where-Object { $_ -cmatch '^[A-Z][A-Za-z]+$' }
        $declared = @('SaltBatch', 'SaltBatch.Core') | ForEach-Object { Get-CodeLine $_ } |
            ForEach-Object {
                if ($_.Text -match '\b(class|interface|record|enum|struct)\s+([A-Z]\w*)') { $Matches[2] }
                elseif ($_.Text -match '^public\s[^=(]*\s([A-Z]\w*)\s*[<(]') { $Matches[1] }
            } | Sort-Object -Unique

        $paths.Count | Should -BeGreaterThan 10
        $types.Count | Should -BeGreaterThan 10
        @($paths | Where-Object { $path = $_; -not ($searched | Where-Object { Test-Path (Join-Path $_ $path) }) }) | Should -BeNullOrEmpty
        @($types | Where-Object { $_ -notin $declared }) | Should -BeNullOrEmpty
    }

    It 'states the one rule for types that cross the engine boundary' {
        Get-Content -Raw -LiteralPath $Architecture | Should -Match '(?m)^## Types across the engine boundary'
    }
}

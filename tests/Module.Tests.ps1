# The built module (module/) against its source manifest (SaltBatch.psd1).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ManifestPath = Get-SaltBatchModulePath
    $script:Manifest = Import-PowerShellDataFile -Path $script:ManifestPath
    $script:Module = Import-SaltBatchModule
}

Describe 'SaltBatch module' {
    It 'declares exactly the SaltBatch cmdlets in its manifest' {
        $script:Manifest.CmdletsToExport | Sort-Object |
            Should -Be @('Connect-SaltMaster', 'Disconnect-SaltMaster', 'Get-SaltActiveBatch', 'Get-SaltBatch', 'Get-SaltBatchMinion', 'Get-SaltMasterConfig', 'Get-SaltMasterConnection', 'Install-SaltBatchRunner', 'Restart-SaltBatch', 'Start-SaltBatch', 'Stop-SaltBatch', 'Wait-SaltBatch')
    }

    It 'exports exactly the cmdlets its manifest declares' {
        # Fails until the cmdlets exist in SaltBatch.dll: the manifest only filters what the DLL has.
        @($script:Module.ExportedCmdlets.Keys | Sort-Object) |
            Should -Be @($script:Manifest.CmdletsToExport | Sort-Object)
    }

    It 'exports no functions, aliases or variables' {
        $script:Module.ExportedFunctions.Count | Should -Be 0
        $script:Module.ExportedAliases.Count | Should -Be 0
        $script:Module.ExportedVariables.Count | Should -Be 0
    }

    It 'has only SaltBatch.dll where PowerShell probes, and the engine with its third-party assemblies in dependencies/' {
        $moduleDir = Split-Path -Parent $script:ManifestPath
        @(Get-ChildItem -LiteralPath $moduleDir -File -Filter '*.dll').Name | Should -Be @('SaltBatch.dll')
        $dependencies = @(Get-ChildItem -LiteralPath (Join-Path $moduleDir 'dependencies') -File -Filter '*.dll').Name
        foreach ($name in 'SaltBatch.Core', 'YamlDotNet', 'MessagePack', 'MessagePack.Annotations', 'NetMQ', 'AsyncIO', 'NaCl') {
            $dependencies | Should -Contain "$name.dll"
        }
    }

    It 'references no third-party assembly from SaltBatch.dll: only the engine, PowerShell and the .NET runtime' {
        # A type from YamlDotNet, MessagePack or NetMQ used in a cmdlet would be resolved in the default context,
        # where another module's version may already sit: the compiler would have recorded its assembly here.
        $runtime = [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
        $references = [SaltBatch.SaltBatchInfo].Assembly.GetReferencedAssemblies().Name
        $references | Should -Contain 'SaltBatch.Core'
        $references | Where-Object { $_ -notin 'SaltBatch.Core', 'System.Management.Automation' -and -not (Test-Path -LiteralPath (Join-Path $runtime "$_.dll")) } |
            Should -BeNullOrEmpty
    }

    It 'loads the engine into its own load context, from dependencies/' {
        $null = Get-SaltMasterConfig -CacheDir $TestDrive
        $engine = @([System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'SaltBatch.Core' })
        $engine.Count | Should -Be 1
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine[0]).Name | Should -Be 'SaltBatch'
        $engine[0].Location | Should -Be (Join-Path (Split-Path -Parent $script:ManifestPath) 'dependencies/SaltBatch.Core.dll')
    }

    It 'resolves third-party names from dependencies/ in its own context, and shares the runtime''s System.* libraries' {
        $null = Get-SaltMasterConfig -CacheDir $TestDrive
        $engineContext = @([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'SaltBatch')
        $engineContext.Count | Should -Be 1
        $dependencies = Join-Path (Split-Path -Parent $script:ManifestPath) 'dependencies'
        $yaml = $engineContext[0].LoadFromAssemblyName([System.Reflection.AssemblyName]::new('YamlDotNet'))
        $yaml.Location | Should -Be (Join-Path $dependencies 'YamlDotNet.dll')
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($yaml).Name | Should -Be 'SaltBatch'
        # NuGet brought System.Collections.Immutable along; the runtime's copy is as new, so the engine gets that one.
        Join-Path $dependencies 'System.Collections.Immutable.dll' | Should -Exist
        $immutable = $engineContext[0].LoadFromAssemblyName([System.Reflection.AssemblyName]::new('System.Collections.Immutable'))
        $immutable | Should -Be ([System.Collections.Immutable.ImmutableArray].Assembly)
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($immutable).Name | Should -Be 'Default'
    }

    It 'fails with an error naming SaltBatch.Core, not a crash, when dependencies/ is missing from the module folder' {
        $incomplete = Join-Path $TestDrive 'incomplete/SaltBatch'
        $null = New-Item -ItemType Directory -Force -Path $incomplete
        Get-ChildItem -LiteralPath (Split-Path -Parent $script:ManifestPath) | Where-Object Name -NE 'dependencies' |
            Copy-Item -Destination $incomplete -Recurse
        $output = Invoke-ChildPwsh -Script @"
Import-Module '$incomplete/SaltBatch.psd1'
try { Get-SaltMasterConfig -CacheDir '$TestDrive' -ErrorAction Stop } catch { 'error=' + `$_.Exception.Message }
'still running'
"@
        $output | Should -Contain 'still running'
        ($output | Where-Object { $_ -like 'error=*' }) | Should -BeLike "error=*'SaltBatch.Core, *"
    }

    It 'names the settings of Start-SaltBatch and Restart-SaltBatch with units and full words, keeping Salt''s spellings as aliases' {
        foreach ($command in 'Start-SaltBatch', 'Restart-SaltBatch') {
            $parameters = (Get-Command $command).Parameters
            foreach ($name in @{ JobTimeoutSec = 'Timeout'; BatchWaitSec = 'BatchWait'; Returner = 'Return'; KeywordArgument = 'Kwarg'; BatchSize = 'Batch'; Function = 'Fun' }.GetEnumerator()) {
                $parameters.Keys | Should -Contain $name.Key -Because $command
                $parameters[$name.Key].Aliases | Should -Contain $name.Value -Because "$command -$($name.Key)"
            }
            @($parameters.Keys | Where-Object { $_ -like '*Timeout*' }) | Should -Be @('JobTimeoutSec', 'PingTimeoutSec') -Because "$command's timeouts say their unit"
        }
        foreach ($command in 'Stop-SaltBatch', 'Wait-SaltBatch', 'Connect-SaltMaster') {
            (Get-Command $command).Parameters.Keys | Should -Contain 'TimeoutSec'
        }
    }

    It 'does not ship PowerShell''s own assemblies' {
        $moduleDir = Split-Path -Parent $script:ManifestPath
        Get-ChildItem -Path $moduleDir -Recurse -Include 'System.Management.Automation.dll', 'PowerShellStandard*' |
            Should -BeNullOrEmpty
    }
}

AfterAll {
    Remove-Module SaltBatch -ErrorAction SilentlyContinue
}

Describe 'SaltBatch module lifecycle' {
    BeforeAll {
        $script:FirstJid = '20240610120000000000'
        $script:SecondJid = '20240610120500000000'
        $script:Master = Start-SimulatedMaster -Root (Join-Path $TestDrive 'lifecycle-master')
        $null = New-SaltTestCache -Path $Master.CacheDir -Spec @{
            batches     = @(
                @{ jid = $FirstJid; fun = 'state.apply'; tgt = 'web*'; minions = @('web1', 'web2', 'web3'); done = 1; active = 1; batchSize = 1 }
                @{ jid = $SecondJid; fun = 'test.ping'; tgt = 'db*'; minions = @('db1', 'db2'); done = 0; active = 1; batchSize = 1 }
            )
            activeIndex = @($FirstJid, $SecondJid)
        }
        # NetMQ's global context is what Release ends; it is private, so the test reads it where the engine's
        # NetMQ lives (the SaltBatch load context), not some other copy.
        $script:NetMqContext = @'
function Get-NetMqContextState {
    $netMq = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object {
        $_.GetName().Name -eq 'NetMQ' -and [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name -eq 'SaltBatch' }
    if (-not $netMq) { return 'not loaded' }
    $field = $netMq.GetType('NetMQ.NetMQConfig').GetField('s_ctx', [System.Reflection.BindingFlags] 'NonPublic, Static')
    if ($null -eq $field.GetValue($null)) { 'released' } else { 'running' }
}
'@
    }

    AfterAll {
        Stop-SimulatedMaster $Master
    }

    It 'releases NetMQ on Remove-Module, and works again after Import-Module in the same session' {
        $script = @"
`$ErrorActionPreference = 'Stop'
$NetMqContext
Import-Module '$(Get-SaltBatchModulePath)'
'stop1=' + (Stop-SaltBatch -ConfigPath '$($Master.ConfigPath)' -Jid $FirstJid -Kill -Force -PassThru).State
'netmq1=' + (Get-NetMqContextState)
Remove-Module SaltBatch
'released1=' + (Get-NetMqContextState)
Import-Module '$(Get-SaltBatchModulePath)'
'cmdlets=' + (Get-Module SaltBatch).ExportedCmdlets.Count
'stop2=' + (Stop-SaltBatch -ConfigPath '$($Master.ConfigPath)' -Jid $SecondJid -Kill -Force -PassThru).State
'netmq2=' + (Get-NetMqContextState)
'engines=' + @([System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'SaltBatch.Core' }).Count
Remove-Module SaltBatch
'released2=' + (Get-NetMqContextState)
"@
        $output = Invoke-ChildPwsh -Script $script
        $exported = (Import-PowerShellDataFile (Get-SaltBatchModulePath)).CmdletsToExport.Count

        $output | Should -Be @(
            'stop1=Halted', 'netmq1=running', 'released1=released'
            "cmdlets=$exported", 'stop2=Halted', 'netmq2=running', 'engines=1', 'released2=released'
        )
        (Get-MasterJournal $Master -Kind 'publish-received' | Where-Object fun -EQ 'saltutil.kill_job').tgt | Should -Be @('web2', 'db1')
    }

    It 'keeps NetMQ and the connections while another runspace still has the module: only the last removal releases them' {
        $null = New-SaltTestCache -Path $Master.CacheDir -Spec @{
            batches     = @(@{ jid = $FirstJid; fun = 'state.apply'; tgt = 'web*'; minions = @('web1', 'web2', 'web3'); done = 1; active = 1; batchSize = 1 })
            activeIndex = @($FirstJid)
        }
        $script = @"
`$ErrorActionPreference = 'Stop'
$NetMqContext
Import-Module '$(Get-SaltBatchModulePath)'
'stop=' + (Stop-SaltBatch -ConfigPath '$($Master.ConfigPath)' -Jid $FirstJid -Kill -Force -PassThru).State
`$other = [powershell]::Create()
`$null = `$other.AddScript("Import-Module '$(Get-SaltBatchModulePath)'; Remove-Module SaltBatch").Invoke()
`$other.Dispose()
'after-other=' + (Get-NetMqContextState)
Remove-Module SaltBatch
'after-last=' + (Get-NetMqContextState)
"@
        Invoke-ChildPwsh -Script $script | Should -Be @('stop=Halted', 'after-other=running', 'after-last=released')
    }
}

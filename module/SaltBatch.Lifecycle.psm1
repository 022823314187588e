# Releases what the binary module holds process-wide when the module is removed. PowerShellStandard 5.1 (the
# reference assembly the cmdlets build against) has no IModuleAssemblyCleanup, so this nested script module's
# OnRemove does it: NetMQ's background context and threads are stopped without waiting for unsent messages. They
# are the process's, shared by every runspace that imported the module, so only the last removal releases them.
[SaltBatch.ModuleLifecycle]::Acquire()
$ExecutionContext.SessionState.Module.OnRemove = {
    [SaltBatch.ModuleLifecycle]::Release()
}

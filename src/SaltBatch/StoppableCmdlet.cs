using System.Management.Automation;

namespace SaltBatch;

/// <summary>
/// Ctrl+C for a cmdlet that waits on the network, a socket or a file: every core call is given <see cref="StopToken"/>,
/// which PowerShell's StopProcessing cancels (on its own thread); PowerShell disposes the cmdlet when its pipeline ends.
/// </summary>
public abstract class StoppableCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private bool _disposed;

    /// <summary>Cancelled when the user presses Ctrl+C (or the pipeline is stopped).</summary>
    protected CancellationToken StopToken => _stop.Token;

    protected bool StopRequested => _stop.IsCancellationRequested;

    protected sealed override void StopProcessing()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _stop.Cancel();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _stop.Dispose();
        }
    }
}

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>Runs an action every interval on its own thread until disposed; Dispose waits for a running action to end.</summary>
public sealed class Ticker : IDisposable
{
    private readonly ManualResetEventSlim _stopping = new();
    private readonly Thread _thread;

    public Ticker(TimeSpan interval, Action tick)
    {
        _thread = new Thread(() =>
        {
            while (!_stopping.Wait(interval))
            {
                tick();
            }
        })
        { IsBackground = true, Name = "simulated-master-ticker" };
        _thread.Start();
    }

    public void Dispose()
    {
        _stopping.Set();
        _thread.Join();
        _stopping.Dispose();
    }
}

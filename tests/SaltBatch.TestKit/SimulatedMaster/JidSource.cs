using System.Globalization;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>New 20-digit JIDs (UTC <c>YYYYMMDDhhmmssffffff</c>, reference §4.2), strictly increasing within one master.</summary>
public sealed class JidSource
{
    private readonly object _gate = new();
    private DateTime _last = DateTime.MinValue;

    public string Next()
    {
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            _last = now > _last ? now : _last.AddTicks(10);
            return _last.ToString("yyyyMMddHHmmssffffff", CultureInfo.InvariantCulture);
        }
    }
}

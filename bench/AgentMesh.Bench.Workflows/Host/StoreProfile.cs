using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace AgentMesh.Bench.Workflows.Host;

/// <summary>
/// Sums the task hub's store instruments (meter AgentMesh.TaskHub) in the host process: operations and
/// their time by kind, transactions (commits), operations per commit, and time spent committing.
/// </summary>
internal sealed class StoreProfile : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, (long Count, double Sum)> _totals = new(StringComparer.Ordinal);

    public StoreProfile()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "AgentMesh.TaskHub")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    /// <summary>Forgets what was measured so far (after the warm-up).</summary>
    public void Reset()
    {
        lock (_totals)
        {
            _totals.Clear();
        }
    }

    /// <summary>One line per instrument (and operation): count, total and mean.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        lock (_totals)
        {
            foreach (var (key, (count, sum)) in _totals.OrderBy(p => p.Key, StringComparer.Ordinal))
                text.AppendLine(CultureInfo.InvariantCulture, $"profile: {key,-75} n={count,8} sum={sum,12:F1} mean={sum / Math.Max(1, count):F3}");
        }
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = instrument.Name + (tags.Length > 0 ? $" [{tags[0].Value}]" : "");
        lock (_totals)
        {
            var (count, sum) = _totals.GetValueOrDefault(key);
            _totals[key] = (count + 1, sum + value);
        }
    }
}

namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>Sums the measurements of the instruments created through one <see cref="IMeterFactory"/>.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, AwaitableCount> _totals = new();

    public MetricRecorder(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this test's factory: other tests run in parallel on the same meter name.
            if (ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Total(instrument.Name).Add(value));
        _listener.Start();
    }

    public long this[string instrument] => _totals.TryGetValue(instrument, out var total) ? total.Total : 0;

    /// <summary>Completes when <paramref name="instrument"/> has summed to at least <paramref name="total"/>.</summary>
    public Task Reaching(string instrument, long total) => Total(instrument).Reaching(total);

    public void Dispose() => _listener.Dispose();

    private AwaitableCount Total(string instrument) => _totals.GetOrAdd(instrument, _ => new AwaitableCount());
}

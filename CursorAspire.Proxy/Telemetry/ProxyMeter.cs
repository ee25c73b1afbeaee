using System.Diagnostics.Metrics;

namespace CursorAspire.Proxy.Telemetry;

/// <summary>
/// The one <c>CursorAspire</c> meter every feature's instruments live on (the service defaults export it by name),
/// created once from the host's <see cref="IMeterFactory"/> so instruments are scoped to the host like the framework's.
/// </summary>
public sealed class ProxyMeter(IMeterFactory meterFactory)
{
    /// <summary>The meter's name, which the service defaults export.</summary>
    public const string Name = "CursorAspire";

    /// <summary>The meter.</summary>
    public Meter Meter { get; } = meterFactory.Create(Name);
}

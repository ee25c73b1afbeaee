using CursorAspire.Proxy.Configuration;
namespace CursorAspire.Proxy.Storage;

/// <summary>How the proxy's stored state (conversations, reasoning) treats its Redis: the <c>Proxy:Storage</c> section.</summary>
public sealed class StateStoreOptions
{
    public const string SectionName = "Proxy:Storage";

    /// <summary>Longest wait for one store operation before it counts as failed. Default 250 ms.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>When to stop calling a store that keeps failing, and for how long.</summary>
    public BreakerOptions Breaker { get; set; } = new();
}

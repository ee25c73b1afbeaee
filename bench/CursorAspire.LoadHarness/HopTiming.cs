namespace CursorAspire.LoadHarness;

/// <summary>One request's way to the upstream, in milliseconds (see <see cref="HopTimeline"/>); NaN where a direct request has no such part.</summary>
/// <param name="ToServerMs">From the client starting its request to the first server (the proxy, or the stand-in) beginning it.</param>
/// <param name="ProxyWorkMs">From the proxy beginning the request to the proxy starting its call to the upstream.</param>
/// <param name="ToUpstreamMs">From the proxy starting that call to the stand-in beginning it.</param>
public readonly record struct HopTiming(double ToServerMs, double ProxyWorkMs, double ToUpstreamMs);

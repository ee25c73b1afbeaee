using System.Globalization;

namespace CursorAspire.LoadHarness.Floor;

/// <summary>
/// The proxy as it runs in production, for its resident memory: its own executable (<c>CursorAspire.Proxy.dll</c>,
/// built next to the harness, with its own runtimeconfig) in a process of its own, configured through the environment
/// as Aspire configures it, with the same settings as the harness's in-process proxy.
/// </summary>
public static class ProxyProcess
{
    public static Task<ChildServer> StartAsync(UpstreamStandIn standIn, CancellationToken cancellationToken)
    {
        var port = ChildServer.FreePort();
        var start = ChildServer.DotnetApplication("CursorAspire.Proxy.dll", ["--urls", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}")]);
        foreach (var (key, value) in standIn.ProxyConfiguration(LoopbackTopology.ProxyApiKey))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        // As in-process: log sinks are deployment choices, only warnings (nothing is logged per request at that level).
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // /alive is the proxy's liveness endpoint (anonymous, no dependencies checked).
        return ChildServer.StartAsync("the proxy (CursorAspire.Proxy.dll)", start, port, "alive", stopsWhenInputCloses: false, cancellationToken);
    }
}

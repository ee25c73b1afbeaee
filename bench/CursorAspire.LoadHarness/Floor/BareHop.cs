using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace CursorAspire.LoadHarness.Floor;

/// <summary>
/// The floor: what any proxy on this machine must cost. YARP's forwarder (<c>MapForwarder</c>) on Kestrel, passing
/// every request and response through to the upstream byte for byte: no parsing, no transforms (not even
/// <c>X-Forwarded-*</c>), no logging, the slim host builder. Whatever the proxy adds above this is its own work.
/// </summary>
public sealed class BareHop : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BareHop(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>Where the hop listens, e.g. <c>http://127.0.0.1:40123/</c>; a path under it reaches the same path upstream.</summary>
    public Uri BaseUri { get; }

    /// <summary>Starts a hop on 127.0.0.1 (<paramref name="port"/> 0 picks a free one) forwarding to <paramref name="upstream"/>'s origin.</summary>
    public static async Task<BareHop> StartAsync(Uri upstream, int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        app.MapForwarder("/{**catch-all}", upstream.GetLeftPart(UriPartial.Authority), ForwarderRequestConfig.Empty, HttpTransformer.Empty);
        try
        {
            await app.StartAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new BareHop(app, new Uri(app.Urls.First().TrimEnd('/') + "/"));
    }

    /// <summary>Starts the hop as a process of its own (this harness with <c>--serve-hop</c>), for its resident memory.</summary>
    public static Task<ChildServer> StartProcessAsync(Uri upstream, CancellationToken cancellationToken)
    {
        var port = ChildServer.FreePort();
        var start = ChildServer.DotnetApplication("CursorAspire.LoadHarness.dll",
            ["--serve-hop", upstream.ToString(), "--port", port.ToString(CultureInfo.InvariantCulture)]);
        return ChildServer.StartAsync("the bare hop", start, port, string.Empty, stopsWhenInputCloses: true, cancellationToken);
    }

    /// <summary>
    /// The hop as a process of its own (<c>--serve-hop URL --port P</c>), so the memory probe can read its resident
    /// memory: serves until standard input closes (the harness that started it closed it, or died) or Ctrl+C.
    /// </summary>
    public static async Task<int> ServeAsync(Uri upstream, int port, CancellationToken cancellationToken)
    {
        await using var hop = await StartAsync(upstream, port, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"bare hop listening on {hop.BaseUri}, forwarding to {upstream}");
        var stdinClosed = Task.Run(async () =>
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[64];
            while (await stdin.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }, CancellationToken.None);
        try
        {
            await stdinClosed.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(stop.Token).ConfigureAwait(false);
        }
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

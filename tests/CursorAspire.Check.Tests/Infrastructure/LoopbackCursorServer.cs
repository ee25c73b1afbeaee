using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CursorAspire.Check.Tests.Infrastructure;

/// <summary>
/// <see cref="FakeCursorServer"/> on a real loopback port (Kestrel), for a check that runs in another process (the
/// installed tool): each request is handed to the fake as it came, and its answer written back as it is.
/// </summary>
internal sealed class LoopbackCursorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackCursorServer(WebApplication app, FakeCursorServer fake)
    {
        _app = app;
        Fake = fake;
    }

    /// <summary>The fake behind the port: its switches and the requests it saw.</summary>
    public FakeCursorServer Fake { get; }

    /// <summary>The base URL Cursor would be given: <c>http://127.0.0.1:port/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<LoopbackCursorServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeCursorServer();
        var server = new LoopbackCursorServer(app, fake);
        app.Run(context => ForwardAsync(context, fake));
        await app.StartAsync();
        var address = app.Urls.Single(); // the port Kestrel bound
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Fake.Dispose();
    }

    private static async Task ForwardAsync(HttpContext context, FakeCursorServer fake)
    {
        var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        request.RequestUri = new Uri($"http://{context.Request.Host}{request.RequestUri}");
        using var invoker = new HttpMessageInvoker(fake, disposeHandler: false);
        using var response = await invoker.SendAsync(request, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            context.Response.Headers[name] = values.ToArray();
        }

        context.Response.Headers.Remove("Content-Length"); // Kestrel frames the body itself
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}

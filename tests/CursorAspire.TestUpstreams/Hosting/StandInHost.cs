using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CursorAspire.TestUpstreams;

/// <summary>Builds and starts a bare Kestrel app with the recording middleware in front of a stand-in's endpoints.</summary>
internal static class StandInHost
{
    public static async Task<(WebApplication App, Uri BaseUri)> StartAsync(
        IPEndPoint endpoint,
        StandInState state,
        Func<HttpRequest, bool> isChat,
        Action<WebApplication> mapEndpoints,
        TextWriter? accessLog,
        CancellationToken cancellationToken)
    {
        // The empty builder skips configuration files, logging providers and hosting defaults: it starts in milliseconds.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(StandInHost).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // agent prompts run to several MB
            kestrel.Listen(endpoint);
        });
        builder.Services.AddRoutingCore();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));

        var app = builder.Build();
        accessLog = accessLog is null ? null : TextWriter.Synchronized(accessLog);
        var stopping = app.Lifetime.ApplicationStopping;
        app.Use((context, next) => RecordAsync(context, next, state, isChat, accessLog, stopping));
        app.UseRouting();
        mapEndpoints(app);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return (app, ResolveBaseUri(app, endpoint));
    }

    private static async Task RecordAsync(
        HttpContext context, RequestDelegate next, StandInState state, Func<HttpRequest, bool> isChat,
        TextWriter? accessLog, CancellationToken stopping)
    {
        var started = state.Time.GetTimestamp();
        byte[] body;
        try
        {
            // The bytes as they came: tests compare consecutive requests' prefixes byte for byte.
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            body = buffer.ToArray();
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client left while uploading
        }

        var headers = context.Request.Headers.ToDictionary(
            h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new RecordedRequest(
            context.Request.Method, context.Request.Path.Value ?? "/",
            context.Request.QueryString.Value ?? string.Empty, headers, body, isChat(context.Request), state.Time);

        using var token = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        context.Features.Set(new Exchange(context, request, state, token.Token));

        // RequestAborted fires when Kestrel sees the TCP connection close: that is the client-side abort tests wait on.
        using var registration = context.RequestAborted.Register(request.MarkClientAborted);
        state.Log.Add(request);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            // Writing to a client that left, or stopping: nothing to answer.
        }
        finally
        {
            request.MarkCompleted();
            accessLog?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[GIN] {state.Time.GetLocalNow():yyyy/MM/dd - HH:mm:ss} | {context.Response.StatusCode,3} | {state.Time.GetElapsedTime(started).TotalMilliseconds,10:F3}ms | {context.Connection.RemoteIpAddress,15} | {request.Method,-7} \"{request.Path}\""));
        }
    }

    private static Uri ResolveBaseUri(WebApplication app, IPEndPoint endpoint)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no listening address.");
        var port = new Uri(address.Replace("[::]", "[::1]", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;

        // A wildcard bind is reached through loopback.
        var host = endpoint.Address.Equals(IPAddress.Any) ? "127.0.0.1"
            : endpoint.Address.Equals(IPAddress.IPv6Any) ? "[::1]"
            : endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]"
            : endpoint.Address.ToString();
        return new Uri($"http://{host}:{port}/");
    }
}

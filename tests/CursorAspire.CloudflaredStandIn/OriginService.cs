using System.Net;

namespace CursorAspire.CloudflaredStandIn;

/// <summary>
/// The target the end-to-end tests put behind the tunnel: answers <c>GET /health</c> like the proxy does and
/// reports the public base URL it was started with (<c>Proxy__PublicBaseUrl</c>), as the proxy's status page does.
/// </summary>
internal static class OriginService
{
    public static async Task<int> RunAsync()
    {
        var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? throw new InvalidOperationException("origin: PORT is not set"), System.Globalization.CultureInfo.InvariantCulture);
        var publicBaseUrl = Environment.GetEnvironmentVariable("Proxy__PublicBaseUrl");

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapGet("/health", () => Results.Text("Healthy"));
        app.MapGet("/public-base-url", () => Results.Text(publicBaseUrl ?? ""));
        app.MapGet("/forwarded", (HttpRequest r) => Results.Text($"{r.Headers["X-Forwarded-Proto"]} {r.Headers.Host}"));

        await app.StartAsync().ConfigureAwait(false);
        // Printed once listening, so a test can wait for this line instead of polling the port.
        Console.WriteLine($"origin: listening on {app.Urls.First()}; public base URL is {(publicBaseUrl is null ? "(not set)" : publicBaseUrl)}");
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }
}

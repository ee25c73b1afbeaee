using System.Net;
using System.Security.Cryptography;
using Yarp.ReverseProxy.Forwarder;

namespace CursorAspire.CloudflaredStandIn;

/// <summary>
/// Plays cloudflared plus Cloudflare's edge on loopback: prints the real start-up log, then forwards every
/// request whose Host is the tunnel's hostname to the origin, adding the headers Cloudflare adds.
/// </summary>
/// <remarks>
/// The edge listens on <c>127.0.0.1:$CLOUDFLARED_STANDIN_PORT</c> (0 picks a free port). Tests send requests for
/// <c>https://&lt;words&gt;.trycloudflare.com</c> to that address with the Host header kept, so an old hostname
/// stops working after a restart exactly as a real quick tunnel does (Cloudflare answers 530, error 1033).
/// <c>CLOUDFLARED_STANDIN_QUICK_TUNNEL=fail</c> fails the way cloudflared does on a machine without internet access.
/// <c>CLOUDFLARED_STANDIN_EDGE=530</c> makes the edge answer every request, even for the tunnel's own hostname, with
/// Cloudflare's 530 / error 1033 ("no tunnel connected"), as when the tunnel dropped its connections to Cloudflare.
/// <c>POST /standin/lose-edge</c>, sent to the edge's own address (not through a tunnel hostname), loses the edge while
/// the process lives on, as after a laptop's sleep: cloudflared logs the dropped connection and its retries, and from
/// then on the edge answers 530 / 1033 for the hostname too, until the process is restarted.
/// </remarks>
internal static class TunnelEdge
{
    /// <summary>The version the stand-in reports: the one the AppHost pins, so a "download" of the stand-in passes its version check.</summary>
    private static readonly string Version = typeof(TunnelEdge).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "CloudflaredVersion").Value!;

    private static readonly string[] Words =
    [
        "seasonal", "deck", "organisms", "sf", "lamb", "rebecca", "spanish", "ties", "harbor", "quiet", "monitor",
        "pixel", "granted", "violin", "tracker", "mills", "amber", "choose", "festival", "lending", "orbit", "cedar",
    ];

    /// <summary>What <c>cloudflared --version</c> prints (urfave/cli's version line: name, version, build time).</summary>
    public static int PrintVersion()
    {
        Console.WriteLine($"cloudflared version {Version} (built 2026-08-14-1200 UTC)");
        return 0;
    }

    public static async Task<int> RunQuickTunnelAsync(StandInArguments args)
    {
        var origin = args.OriginUrl!;
        CloudflaredLog.Info("Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out. However, be aware that these account-less Tunnels have no uptime guarantee, are subject to the Cloudflare Online Services Terms of Use (https://www.cloudflare.com/website-terms/), and Cloudflare reserves the right to investigate your use of Tunnels for violations of such terms. If you intend to use Tunnels in production you should use a pre-created named tunnel by following: https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/");
        CloudflaredLog.Info("Requesting new quick Tunnel on trycloudflare.com...");
        if (string.Equals(Environment.GetEnvironmentVariable("CLOUDFLARED_STANDIN_QUICK_TUNNEL"), "fail", StringComparison.OrdinalIgnoreCase))
        {
            // What cloudflared prints, without a log prefix, when api.trycloudflare.com cannot be reached.
            Console.Error.WriteLine("failed to request quick Tunnel: Post \"https://api.trycloudflare.com/tunnel\": dial tcp: lookup api.trycloudflare.com on 127.0.0.53:53: server misbehaving");
            return 1;
        }


        var hostname = string.Join('-', Enumerable.Range(0, 4).Select(_ => Words[RandomNumberGenerator.GetInt32(Words.Length)])) + ".trycloudflare.com";
        CloudflaredLog.InfoBox("Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):", "https://" + hostname);
        CloudflaredLog.Info("Cannot determine default configuration path. No file [config.yml config.yaml] in [~/.cloudflared ~/.cloudflare-warp ~/cloudflare-warp /etc/cloudflared /usr/local/etc/cloudflared]");
        return await ServeAsync(origin, hostname, $"map[ha-connections:1 no-autoupdate:{args.NoAutoUpdate.ToString().ToLowerInvariant()} protocol:quic url:{origin}]").ConfigureAwait(false);
    }

    public static async Task<int> RunNamedTunnelAsync(StandInArguments args)
    {
        if (string.IsNullOrEmpty(args.Token))
        {
            CloudflaredLog.Error("\"cloudflared tunnel run\" requires the ID or name of the tunnel to run as the last command line argument or in the configuration file.");
            return 1;
        }

        if (args.OriginUrl is null)
        {
            CloudflaredLog.Error("stand-in: set CLOUDFLARED_STANDIN_ORIGIN to the origin URL (a real named tunnel gets it from its ingress rules)");
            return 1;
        }

        var hostname = Environment.GetEnvironmentVariable("CLOUDFLARED_STANDIN_HOSTNAME") ?? "tunnel.example.com";
        CloudflaredLog.Info("Starting tunnel tunnelID=" + Guid.NewGuid());
        return await ServeAsync(args.OriginUrl, hostname, $"map[no-autoupdate:{args.NoAutoUpdate.ToString().ToLowerInvariant()} token:*****]").ConfigureAwait(false);
    }

    private static async Task<int> ServeAsync(Uri origin, string hostname, string settings)
    {
        var port = int.TryParse(Environment.GetEnvironmentVariable("CLOUDFLARED_STANDIN_PORT"), out var p) ? p : 0;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders(); // only cloudflared's own lines may appear on stderr
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddHttpForwarder();
        var app = builder.Build();

        var edge = new EdgeConnection(Environment.GetEnvironmentVariable("CLOUDFLARED_STANDIN_EDGE") == "530");
        app.Use(async (context, next) =>
        {
            if (IsLoseEdgeRequest(context.Request))
            {
                edge.Lose();
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }

            if (edge.Lost || !string.Equals(context.Request.Host.Host, hostname, StringComparison.OrdinalIgnoreCase))
            {
                await CloudflareErrorPage.WriteNoTunnelAsync(context).ConfigureAwait(false);
                return;
            }

            context.Request.Headers["Cf-Connecting-Ip"] = context.Connection.RemoteIpAddress?.ToString();
            context.Request.Headers["Cf-Ray"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant() + "-FRA";
            context.Request.Headers["X-Forwarded-Proto"] = "https";
            await next(context).ConfigureAwait(false);
        });
        app.MapForwarder("/{**catch-all}", origin.GetLeftPart(UriPartial.Authority), ForwarderRequestConfig.Empty, HttpTransformer.Empty);

        await app.StartAsync().ConfigureAwait(false);
        var edgeUrl = app.Urls.First();

        CloudflaredLog.Info($"Version {Version} (Checksum 5f3c0e2a)");
        CloudflaredLog.Info("GOOS: linux, GOVersion: go1.24.4, GoArch: amd64");
        CloudflaredLog.Info("Settings: " + settings);
        CloudflaredLog.Info("cloudflared will not automatically update when run from the shell. To enable auto-updates, run cloudflared as a service: https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/configure-tunnels/local-management/as-a-service/");
        CloudflaredLog.Info("Generated Connector ID: " + Guid.NewGuid());
        CloudflaredLog.Info("Initial protocol quic");
        CloudflaredLog.Info("ICMP proxy will use 127.0.0.1 as source for IPv4");
        CloudflaredLog.Info("Starting metrics server on 127.0.0.1:20241/metrics");
        // Not a cloudflared line: tells a human reading the stand-in's log where its loopback edge is.
        CloudflaredLog.Info($"stand-in edge listening on {edgeUrl} for Host {hostname}");
        CloudflaredLog.Info($"Registered tunnel connection connIndex=0 connection={Guid.NewGuid()} event=0 ip=198.41.192.7 location=fra08 protocol=quic");

        await app.WaitForShutdownAsync().ConfigureAwait(false);
        CloudflaredLog.Info("Initiating graceful shutdown due to signal terminated ...");
        return 0;
    }

    /// <summary>A request to the stand-in itself, not to a tunnel: <c>POST /standin/lose-edge</c> with the edge's own address as Host.</summary>
    private static bool IsLoseEdgeRequest(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && request.Path.Equals("/standin/lose-edge", StringComparison.Ordinal)
        && (IPAddress.TryParse(request.Host.Host, out _) || string.Equals(request.Host.Host, "localhost", StringComparison.OrdinalIgnoreCase));
}

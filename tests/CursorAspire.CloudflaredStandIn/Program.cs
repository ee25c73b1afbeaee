using CursorAspire.CloudflaredStandIn;

// cloudflared's own command line shape: `cloudflared tunnel [--no-autoupdate] (--url URL | run [--token T])`, and
// `cloudflared --version`, which the AppHost asks a downloaded binary before keeping it.
// `origin` is not a cloudflared command: it runs the small target service used by the end-to-end tests.
var standInArgs = StandInArguments.Parse(args);
return standInArgs.Mode switch
{
    StandInMode.QuickTunnel => await TunnelEdge.RunQuickTunnelAsync(standInArgs).ConfigureAwait(false),
    StandInMode.NamedTunnel => await TunnelEdge.RunNamedTunnelAsync(standInArgs).ConfigureAwait(false),
    StandInMode.Origin => await OriginService.RunAsync().ConfigureAwait(false),
    StandInMode.Version => TunnelEdge.PrintVersion(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: cloudflared tunnel --no-autoupdate --url http://HOST:PORT | cloudflared tunnel --no-autoupdate run --token TOKEN | cloudflared --version | origin");
    return 2;
}

namespace CursorAspire.CloudflaredStandIn;

/// <summary>The parts of cloudflared's command line the stand-in understands.</summary>
internal sealed record StandInArguments(StandInMode Mode, Uri? OriginUrl, string? Token, bool NoAutoUpdate)
{
    public static StandInArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count > 0 && args[0] == "origin")
        {
            return new StandInArguments(StandInMode.Origin, null, null, false);
        }

        if (args.Count > 0 && args[0] is "--version" or "-v" or "-V" or "version")
        {
            return new StandInArguments(StandInMode.Version, null, null, false);
        }

        if (args.Count == 0 || args[0] != "tunnel")
        {
            return new StandInArguments(StandInMode.Unknown, null, null, false);
        }

        Uri? url = null;
        string? token = null;
        var run = false;
        var noAutoUpdate = false;
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--url" when i + 1 < args.Count:
                    url = new Uri(args[++i], UriKind.Absolute);
                    break;
                case "--token" when i + 1 < args.Count:
                    token = args[++i];
                    break;
                case "--no-autoupdate":
                    noAutoUpdate = true;
                    break;
                case "run":
                    run = true;
                    break;
            }
        }

        if (run)
        {
            // cloudflared reads the token from TUNNEL_TOKEN when --token is absent.
            token ??= Environment.GetEnvironmentVariable("TUNNEL_TOKEN");
            var origin = Environment.GetEnvironmentVariable("CLOUDFLARED_STANDIN_ORIGIN");
            return new StandInArguments(StandInMode.NamedTunnel, origin is null ? null : new Uri(origin), token, noAutoUpdate);
        }

        return new StandInArguments(url is null ? StandInMode.Unknown : StandInMode.QuickTunnel, url, null, noAutoUpdate);
    }
}

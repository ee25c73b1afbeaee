using CursorAspire.Tunnel.PublicUrl;

namespace CursorAspire.Tunnel.Tests.PublicUrl;

/// <summary>The quick-tunnel URL read from whole cloudflared logs, as printed by several generations of cloudflared.</summary>
public sealed class CloudflaredLogParserTests
{
    private static string[] Fixture(string name) => File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    private static List<Uri> ReadAll(IEnumerable<string> lines)
    {
        var parser = new CloudflaredLogParser();
        var found = new List<Uri>();
        foreach (var line in lines)
        {
            if (parser.TryReadPublicUrl(line, out var url))
            {
                found.Add(url);
            }
        }

        return found;
    }

    [Theory]
    [InlineData("cloudflared-2025-quick-tunnel.log", "https://seasonal-deck-organisms-sf.trycloudflare.com/")]
    [InlineData("cloudflared-2021-quick-tunnel.log", "https://bacon-anymore-mcdonald-lp.trycloudflare.com/")]
    [InlineData("cloudflared-2020-free-tunnel.log", "https://retained-tier-lucky-sept.trycloudflare.com/")]
    [InlineData("cloudflared-2019-logrus-free-tunnel.log", "https://polished-mud-6812.trycloudflare.com/")]
    public void ReadsExactlyTheAnnouncedUrlFromAWholeLog(string fixture, string expected)
    {
        var found = ReadAll(Fixture(fixture));

        Assert.Equal([new Uri(expected)], found);
    }

    [Fact]
    public void NamedTunnelLogYieldsNoQuickTunnelUrl()
    {
        Assert.Empty(ReadAll(Fixture("cloudflared-2025-named-tunnel.log")));
    }

    [Fact]
    public void FailureLogYieldsNoUrlAndItsFailureLineIsRecognised()
    {
        var lines = Fixture("cloudflared-quick-tunnel-failure.log");

        Assert.Empty(ReadAll(lines));
        var failure = Assert.Single(lines, CloudflaredLogParser.IsQuickTunnelFailure);
        Assert.StartsWith("failed to request quick Tunnel", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void DocumentationLinksAndTheApiHostInOrdinaryLinesNeverMatch()
    {
        string[] noise =
        [
            "2026-11-27T07:00:00Z INF Requesting new quick Tunnel on trycloudflare.com...",
            "2026-11-27T07:00:00Z ERR Error unmarshaling QuickTunnel response: error=\"Post https://api.trycloudflare.com/tunnel: context deadline exceeded\"",
            "2026-11-27T07:00:03Z INF cloudflared will not automatically update when run from the shell. To enable auto-updates, run cloudflared as a service: https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/configure-tunnels/local-management/as-a-service/",
            "2026-11-27T07:00:03Z INF Visit https://other-words-here-now.trycloudflare.com for details",
        ];

        Assert.Empty(ReadAll(noise));
    }

    [Fact]
    public void LogAcrossARestartYieldsEachNewUrlInOrder()
    {
        var first = Fixture("cloudflared-2025-quick-tunnel.log");
        var restarted = first
            .Append("2026-11-27T07:05:00Z INF Initiating graceful shutdown due to signal terminated ...")
            .Concat(first.Select(l => l.Replace("seasonal-deck-organisms-sf", "lamb-rebecca-spanish-ties", StringComparison.Ordinal).Replace("07:00:", "07:05:", StringComparison.Ordinal)));

        var found = ReadAll(restarted);

        Assert.Equal([new Uri("https://seasonal-deck-organisms-sf.trycloudflare.com"), new Uri("https://lamb-rebecca-spanish-ties.trycloudflare.com")], found);
    }

    [Fact]
    public void TrycloudflareBoxRowCountsEvenWhenTheBannerIsReworded()
    {
        string[] lines =
        [
            "2027-01-01T00:00:00Z INF +------------------------------------------------+",
            "2027-01-01T00:00:00Z INF |  Your tunnel is ready, share this address:      |",
            "2027-01-01T00:00:00Z INF |  https://new-wording-still-works.trycloudflare.com  |",
            "2027-01-01T00:00:00Z INF +------------------------------------------------+",
        ];

        Assert.Equal([new Uri("https://new-wording-still-works.trycloudflare.com")], ReadAll(lines));
    }

    [Fact]
    public void OtherHostInABoxCountsOnlyRightAfterTheBanner()
    {
        string[] unarmed = ["2026-11-27T07:00:03Z INF |  https://example.com  |"];
        string[] armed =
        [
            "2026-11-27T07:00:03Z INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |",
            "2026-11-27T07:00:03Z INF |  https://edge.example.net                                                                |",
        ];

        Assert.Empty(ReadAll(unarmed));
        Assert.Equal([new Uri("https://edge.example.net")], ReadAll(armed));
    }

    [Fact]
    public void UrlAfterAnAspireLogPrefixIsStillFound()
    {
        // However the line reaches us (with or without the orchestrator's own timestamp in front), the box row is the same.
        string[] lines =
        [
            "2026-11-27T07:00:03.1234567Z 2026-11-27T07:00:03Z INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |",
            "2026-11-27T07:00:03.1234567Z 2026-11-27T07:00:03Z INF |  https://seasonal-deck-organisms-sf.trycloudflare.com                                      |",
        ];

        Assert.Equal([new Uri("https://seasonal-deck-organisms-sf.trycloudflare.com")], ReadAll(lines));
    }
}

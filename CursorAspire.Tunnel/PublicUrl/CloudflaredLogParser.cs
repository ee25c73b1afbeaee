using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace CursorAspire.Tunnel.PublicUrl;

/// <summary>
/// Reads a quick tunnel's public URL out of cloudflared's log, one line at a time, in the order printed.
/// </summary>
/// <remarks>
/// cloudflared announces the URL in an ASCII box on stderr, one log line per row:
/// <code>
/// 2026-11-27T07:00:03Z INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |
/// 2026-11-27T07:00:03Z INF |  https://seasonal-deck-organisms-sf.trycloudflare.com                                      |
/// </code>
/// Versions before 2022 said "Your free tunnel has started! Visit it:"; the oldest used logrus prefixes
/// (<c>INFO[0002]</c>). After such a banner the next box row holding an https URL is the answer. Without a banner,
/// only a box row holding a <c>*.trycloudflare.com</c> URL counts, so a reworded banner still works while the
/// documentation links and <c>api.trycloudflare.com</c> in ordinary lines never match. Stateful: one per log stream.
/// </remarks>
internal sealed partial class CloudflaredLogParser
{
    private const int BannerReach = 3;
    private int _linesSinceBanner = -1;

    /// <summary>Feeds one log line; true when it carries the tunnel's public URL.</summary>
    public bool TryReadPublicUrl(string line, [NotNullWhen(true)] out Uri? publicUrl)
    {
        publicUrl = null;
        if (line.Contains("Your quick Tunnel has been created!", StringComparison.OrdinalIgnoreCase)
            || line.Contains("Your free tunnel has started!", StringComparison.OrdinalIgnoreCase))
        {
            _linesSinceBanner = 0;
            return false;
        }

        var armed = _linesSinceBanner >= 0 && _linesSinceBanner < BannerReach;
        if (_linesSinceBanner >= 0)
        {
            _linesSinceBanner++;
        }

        var match = BoxRowUrl().Match(line);
        if (!match.Success || !Uri.TryCreate(match.Groups["url"].Value, UriKind.Absolute, out var url))
        {
            return false;
        }

        if (!armed && !url.Host.EndsWith(".trycloudflare.com", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        _linesSinceBanner = -1;
        publicUrl = new Uri(url.GetLeftPart(UriPartial.Authority));
        return true;
    }

    /// <summary>Whether a line reports that no quick tunnel could be obtained (no internet, rate limit, API change).</summary>
    public static bool IsQuickTunnelFailure(string line) =>
        line.Contains("failed to request quick Tunnel", StringComparison.OrdinalIgnoreCase)
        || line.Contains("failed to unmarshal quick Tunnel", StringComparison.OrdinalIgnoreCase)
        || line.Contains("Error unmarshaling QuickTunnel response", StringComparison.OrdinalIgnoreCase);

    // A box row: "|", spaces, an https URL, spaces, "|" at the end of the line.
    [GeneratedRegex(@"\|\s+(?<url>https://[A-Za-z0-9.-]+(?::\d+)?)/?\s+\|\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex BoxRowUrl();
}

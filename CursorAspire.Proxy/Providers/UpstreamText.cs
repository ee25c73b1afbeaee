using System.Text.RegularExpressions;

namespace CursorAspire.Proxy.Providers;

/// <summary>
/// An upstream's error text made fit for a client: the provider's own words stay, but never an address of ours (URLs,
/// <c>host:port</c>, IP addresses the proxy reaches the upstream at) nor any fragment of a key (the masked
/// <c>sk-proj-****abcd</c> OpenAI quotes back, a bearer token). The proxy's log keeps the whole exception.
/// </summary>
public static partial class UpstreamText
{
    /// <summary><paramref name="message"/> without addresses and key fragments, capped in length.</summary>
    public static string Clean(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return string.Empty;
        }
        var text = Url().Replace(message, "[address]");
        text = HostAndPort().Replace(text, "[address]");
        text = IpAddress().Replace(text, "[address]");
        text = Bearer().Replace(text, "Bearer [key]");
        text = KeyLike().Replace(text, "[key]");
        text = Masked().Replace(text, "[key]");
        return text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength), "…");
    }

    /// <summary>The longest upstream message passed on.</summary>
    public const int MaxLength = 1024;

    [GeneratedRegex(@"\b[a-z][a-z0-9+.\-]*://[^\s'""<>()\[\]]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Url();

    // 10.0.0.5:11434, [::1]:8080, localhost:11434, ollama.internal:11434 (not a model tag such as qwen2.5:0.5b)
    [GeneratedRegex(@"(?:\[[0-9a-f:.]+\]|\b(?:\d{1,3}(?:\.\d{1,3}){3}|localhost|[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)+)):\d{2,5}(?![.\w])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HostAndPort();

    // Bare IPv4 addresses; IPv6 addresses written whole (eight groups) or shortened with "::" (not a time like 12:30:45).
    [GeneratedRegex(@"\b\d{1,3}(?:\.\d{1,3}){3}\b|(?<![\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?|::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?)(?![\w:])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IpAddress();

    [GeneratedRegex(@"\bBearer\s+\S+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Bearer();

    // Provider key shapes: sk-…, sk-ant-…, sk-proj-…, gsk_…, xai-…, AIza… (Google).
    [GeneratedRegex(@"\b(?:sk|pk|rk|gsk|xai)[\-_][A-Za-z0-9*_\-.…]{4,}|\bAIza[0-9A-Za-z\-_]{20,}", RegexOptions.CultureInvariant)]
    private static partial Regex KeyLike();

    // Whatever was masked: sk-****abcd, ********.
    [GeneratedRegex(@"\S*\*{3,}\S*", RegexOptions.CultureInvariant)]
    private static partial Regex Masked();
}

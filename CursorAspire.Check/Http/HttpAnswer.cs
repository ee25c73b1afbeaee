using System.Text.Json;
using System.Text.RegularExpressions;

namespace CursorAspire.Check.Http;

/// <summary>
/// A non-success answer, read for what it says: OpenAI's error body (<c>{"error":{"message","type","code"}}</c>), or
/// Cloudflare's error page (<c>error code: 1033</c> as text, or the HTML page for browsers), or just the text.
/// </summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Message">The error's message, or the body's text (tags and runs of space removed, shortened).</param>
/// <param name="Code">OpenAI's <c>error.code</c> (e.g. <c>invalid_api_key</c>, <c>context_length_exceeded</c>).</param>
/// <param name="CloudflareCode">Cloudflare's own error number (e.g. 1033) when Cloudflare's edge answered.</param>
/// <param name="FromCloudflare">Whether Cloudflare's edge (or cloudflared) answered, rather than the server behind it.</param>
internal sealed partial record HttpAnswer(int Status, string Message, string? Code, int? CloudflareCode, bool FromCloudflare)
{
    private const int MessageLimit = 300;

    /// <summary>Whether the body was OpenAI's error shape (an OpenAI-compatible server answered, not an edge).</summary>
    public bool IsApiError { get; init; }

    public static HttpAnswer From(CheckExchange exchange, string body)
    {
        var status = exchange.Status;
        var viaCloudflare = exchange.Header("cf-ray") is not null
            || string.Equals(exchange.Header("Server"), "cloudflare", StringComparison.OrdinalIgnoreCase);
        if (TryReadApiError(body, out var message, out var code))
        {
            return new HttpAnswer(status, message, code, null, FromCloudflare: false) { IsApiError = true };
        }

        int? cloudflareCode = CloudflareCodePattern().Match(body) is { Success: true } match ? int.Parse(match.Groups["code"].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        var fromCloudflare = cloudflareCode is not null || status is 530 or (>= 520 and <= 527) || (viaCloudflare && status >= 500);
        return new HttpAnswer(status, Plain(body), null, cloudflareCode, fromCloudflare);
    }

    /// <summary>A gateway (Cloudflare, the proxy) gave up waiting for the server behind it.</summary>
    public bool IsGatewayTimeout => Status is 504 or 524;

    /// <summary>What the answer said, for a message: <c>HTTP 401: Invalid API key…</c>.</summary>
    public string Quote() => Message.Length == 0 ? $"HTTP {Status}" : $"HTTP {Status}: {Message.TrimEnd('.')}";

    private static bool TryReadApiError(string body, out string message, out string? code)
    {
        message = string.Empty;
        code = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("error", out var error))
            {
                return false;
            }

            if (error.ValueKind == JsonValueKind.String)
            {
                message = Shorten(error.GetString() ?? string.Empty); // Ollama's own shape: {"error":"…"}
                return true;
            }

            if (error.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? Shorten(m.GetString()!) : string.Empty;
            code = error.TryGetProperty("code", out var c) && c.ValueKind is JsonValueKind.String or JsonValueKind.Number ? c.ToString() : null;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Plain(string body)
    {
        var title = TitlePattern().Match(body);
        var text = title.Success ? title.Groups["title"].Value : TagPattern().Replace(body, " ");
        return Shorten(System.Net.WebUtility.HtmlDecode(text));
    }

    /// <summary>Text for a one-line message: runs of white space made one space, at most <paramref name="limit"/> characters.</summary>
    public static string Shorten(string text, int limit = MessageLimit)
    {
        text = SpacePattern().Replace(text, " ").Trim();
        return text.Length <= limit ? text : text[..limit] + "…";
    }

    // "error code: 1033" (Cloudflare's text answer), "Error 1033" / <span class="cf-error-code">1033</span> (its HTML page).
    [GeneratedRegex(@"(?:error code:\s*|Error\s+|cf-error-code"">\s*)(?<code>1\d{3})\b", RegexOptions.IgnoreCase)]
    private static partial Regex CloudflareCodePattern();

    [GeneratedRegex(@"<title>(?<title>[^<]*)</title>", RegexOptions.IgnoreCase)]
    private static partial Regex TitlePattern();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex SpacePattern();
}

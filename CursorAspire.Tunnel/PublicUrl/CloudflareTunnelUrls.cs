namespace CursorAspire.Tunnel.PublicUrl;

/// <summary>URL helpers for what a user pastes into Cursor.</summary>
public static class CloudflareTunnelUrls
{
    /// <summary>
    /// The value for Cursor's "Override OpenAI Base URL": the tunnel's public URL plus <c>/v1</c>
    /// (Cursor appends <c>/chat/completions</c> to it exactly as typed).
    /// </summary>
    public static Uri GetCursorBaseUrl(Uri publicUrl)
    {
        ArgumentNullException.ThrowIfNull(publicUrl);
        if (!publicUrl.IsAbsoluteUri)
        {
            throw new ArgumentException($"'{publicUrl}' is not an absolute URL.", nameof(publicUrl));
        }

        return new Uri(publicUrl.GetLeftPart(UriPartial.Authority) + publicUrl.AbsolutePath.TrimEnd('/') + "/v1");
    }

    /// <summary>The public URL as an environment variable value: no trailing slash, so <c>{url}/v1</c> reads right.</summary>
    internal static string ToEnvironmentValue(Uri publicUrl) => publicUrl.GetLeftPart(UriPartial.Authority) + publicUrl.AbsolutePath.TrimEnd('/');
}

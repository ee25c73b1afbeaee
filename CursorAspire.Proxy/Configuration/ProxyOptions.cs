using CursorAspire.Proxy.Wire;

namespace CursorAspire.Proxy.Configuration;

/// <summary>
/// The settings of the <c>Proxy</c> section that several features read: keys, providers and models, and what the whole
/// application uses. Validated at start-up by <see cref="ProxyOptionsValidator"/>. A feature's own settings in the same
/// section live with the feature (<c>Calls/UpstreamCallOptions</c>, <c>Edge/EdgeOptions</c>, <c>Caching/ResponseCacheOptions</c>, …).
/// </summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Proxy";

    /// <summary>Shortest key accepted: the URL is public, and a short key can be guessed.</summary>
    public const int MinimumKeyLength = 20;

    /// <summary>
    /// Accepted API keys (what the user types as Cursor's OpenAI key), without names or limits of their own: the global
    /// defaults apply. This or <see cref="Keys"/> must hold at least one key.
    /// </summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Named keys, each with its own models and limits (<c>Proxy:Keys:&lt;name&gt;</c>).</summary>
    public Dictionary<string, KeyOptions> Keys { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Alias used for model names the proxy does not know (Cursor's Verify call, other OpenAI traffic).</summary>
    public string? DefaultModel { get; set; }

    public Dictionary<string, ProviderOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, ModelOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The public URL Cursor reaches the proxy at (set by the tunnel); shown on the status page and in the log.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>On SIGTERM, how long streams in flight get to finish (<c>Proxy:ShutdownTimeout</c>). Default 30 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How reasoning text from thinking models reaches Cursor.</summary>
    public ReasoningOutputMode ReasoningOutput { get; set; } = ReasoningOutputMode.ThinkTags;

    /// <summary>Record prompts and completions in telemetry spans. Off by default: prompts contain the user's code.</summary>
    public bool LogPrompts { get; set; }

    /// <summary>
    /// Splits a direct model name, <c>ollama/qwen2.5-coder:7b</c> → provider <c>ollama</c> (as configured) and model
    /// <c>qwen2.5-coder:7b</c>. False when the part before the first slash is not a configured provider.
    /// </summary>
    public bool TrySplitDirectModel(string name, out string providerName, out string upstreamModel)
    {
        var slash = name.IndexOf('/');
        if (slash > 0 && slash < name.Length - 1)
        {
            var candidate = name[..slash];
            foreach (var configured in Providers.Keys)
            {
                if (string.Equals(configured, candidate, StringComparison.OrdinalIgnoreCase))
                {
                    providerName = configured;
                    upstreamModel = name[(slash + 1)..];
                    return true;
                }
            }
        }
        providerName = upstreamModel = string.Empty;
        return false;
    }
}

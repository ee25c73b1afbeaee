namespace CursorAspire.Proxy.Configuration;

/// <summary>One upstream: <c>Proxy:Providers:&lt;name&gt;</c>.</summary>
public sealed class ProviderOptions
{
    /// <summary><c>Ollama</c>, <c>OpenAI</c> or <c>Anthropic</c>.</summary>
    public ProviderKind? Kind { get; set; }

    /// <summary>Base URL. When unset, the Aspire connection string <c>ConnectionStrings:&lt;name&gt;</c> supplies it.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The configured <see cref="Endpoint"/>, else the kind's public one (<paramref name="fallback"/>).</summary>
    public Uri EndpointOr(Uri fallback) => Endpoint is { Length: > 0 } configured ? new Uri(configured) : fallback;

    /// <summary>The upstream's key (OpenAI-compatible and Anthropic providers). Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Ollama: how long the model stays loaded after a request, so Cursor's repeated prefix stays warm.</summary>
    public string KeepAlive { get; set; } = "30m";

    /// <summary>Anthropic: the <c>max_tokens</c> sent when the request sets none (the Messages API requires one).</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>
    /// Let clients name any model of this provider as <c>&lt;provider&gt;/&lt;model&gt;</c>. Off by default: with a paid
    /// key behind the provider, only the models configured under <c>Proxy:Models</c> are reachable.
    /// </summary>
    public bool AllowAnyModel { get; set; }
}

namespace CursorAspire.Contracts;

/// <summary>
/// The proxy's <c>Proxy:*</c> configuration schema as its hosts write it: environment variable names (<c>__</c> is .NET
/// configuration's <c>:</c>). The proxy owns the schema (its <c>ProxyOptions</c>); this class only spells it.
/// </summary>
public static class ProxyConfigurationKeys
{
    /// <summary>The proxy's configuration section.</summary>
    public const string Section = "Proxy";

    /// <summary>The first accepted API key.</summary>
    public const string ApiKey = "Proxy__ApiKeys__0";

    /// <summary>The alias used for model names the proxy does not know.</summary>
    public const string DefaultModel = "Proxy__DefaultModel";

    /// <summary>The public (tunnel) base URL.</summary>
    public const string PublicBaseUrl = "Proxy__PublicBaseUrl";

    /// <summary>
    /// <c>Proxy:ForwardedHeaders:Cloudflared</c>: set to <c>true</c> when cloudflared is the hop in front of the proxy,
    /// so its <c>CF-Connecting-IP</c> names the client (from loopback only).
    /// </summary>
    public const string ForwardedByCloudflared = "Proxy__ForwardedHeaders__Cloudflared";

    /// <summary><c>Proxy:CheckSecret</c>: what "Check as Cursor" proves its requests with (<see cref="CheckProof"/>).</summary>
    public const string CheckSecret = "Proxy__CheckSecret";

    /// <summary><c>Proxy__Providers__{provider}__Kind</c>: a <see cref="ProviderKind"/>.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <returns>The environment variable's name.</returns>
    public static string KindOf(string provider) => Provider(provider, "Kind");

    /// <summary><c>Proxy__Providers__{provider}__Endpoint</c>: the provider's base URL.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <returns>The environment variable's name.</returns>
    public static string EndpointOf(string provider) => Provider(provider, "Endpoint");

    /// <summary><c>Proxy__Providers__{provider}__ApiKey</c>: the provider's secret key.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <returns>The environment variable's name.</returns>
    public static string ApiKeyOf(string provider) => Provider(provider, "ApiKey");

    /// <summary><c>Proxy__Models__{alias}__Provider</c>: the provider an alias is routed to.</summary>
    /// <param name="alias">The model name Cursor sends.</param>
    /// <returns>The environment variable's name.</returns>
    public static string ProviderOf(string alias) => Model(alias, "Provider");

    /// <summary><c>Proxy__Models__{alias}__Model</c>: the model name the provider knows.</summary>
    /// <param name="alias">The model name Cursor sends.</param>
    /// <returns>The environment variable's name.</returns>
    public static string UpstreamModelOf(string alias) => Model(alias, "Model");

    /// <summary><c>Proxy__Models__{alias}__ContextLength</c>: the context window to ask for (Ollama).</summary>
    /// <param name="alias">The model name Cursor sends.</param>
    /// <returns>The environment variable's name.</returns>
    public static string ContextLengthOf(string alias) => Model(alias, "ContextLength");

    /// <summary><c>Proxy__Models__{alias}__Compaction</c>: elide old tool output instead of refusing a conversation over the window.</summary>
    /// <param name="alias">The model name Cursor sends.</param>
    /// <returns>The environment variable's name.</returns>
    public static string CompactionOf(string alias) => Model(alias, "Compaction");

    /// <summary>The environment variable for the configuration key <paramref name="key"/> (<c>Proxy:Keys:a:Key</c> → <c>Proxy__Keys__a__Key</c>).</summary>
    /// <param name="key">A configuration key, <c>:</c>-separated.</param>
    /// <returns>The environment variable's name.</returns>
    public static string FromConfigurationKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Replace(":", "__", StringComparison.Ordinal);
    }

    private static string Provider(string provider, string setting) => $"Proxy__Providers__{provider}__{setting}";

    private static string Model(string alias, string setting) => $"Proxy__Models__{alias}__{setting}";
}

namespace CursorAspire.AppHost.ProxyConfiguration;

/// <summary>
/// The proxy's configuration schema as environment variable names (<c>__</c> is .NET configuration's <c>:</c>).
/// The proxy owns the schema; this class only spells it.
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

    /// <summary><c>Proxy__Providers__{provider}__{setting}</c>.</summary>
    public static string Provider(string provider, string setting) => $"Proxy__Providers__{provider}__{setting}";

    /// <summary><c>Proxy__Models__{alias}__{setting}</c>.</summary>
    public static string Model(string alias, string setting) => $"Proxy__Models__{alias}__{setting}";

    /// <summary>The environment variable for the configuration key <paramref name="key"/> (<c>Proxy:Keys:a:Key</c> → <c>Proxy__Keys__a__Key</c>).</summary>
    public static string FromConfigurationKey(string key) => key.Replace(":", "__", StringComparison.Ordinal);
}

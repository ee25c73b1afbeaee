using System.Data.Common;

namespace CursorAspire.Proxy.Configuration;

/// <summary>
/// Fills a provider's missing <c>Endpoint</c> from the Aspire connection string of the same name
/// (<c>ConnectionStrings:&lt;provider&gt;</c>), which is either a URL or <c>Endpoint=…;</c>. That is how
/// <c>WithReference(ollama)</c> in the AppHost reaches the proxy.
/// </summary>
public sealed class ProviderEndpointFromConnectionString(IConfiguration configuration) : IPostConfigureOptions<ProxyOptions>
{
    public void PostConfigure(string? name, ProxyOptions options)
    {
        foreach (var (providerName, provider) in options.Providers)
        {
            if (string.IsNullOrWhiteSpace(provider.Endpoint) &&
                configuration.GetConnectionString(providerName) is { Length: > 0 } connectionString)
            {
                provider.Endpoint = ParseEndpoint(connectionString);
            }
        }
    }

    internal static string ParseEndpoint(string connectionString)
    {
        if (Uri.TryCreate(connectionString, UriKind.Absolute, out _))
        {
            return connectionString;
        }
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return builder.TryGetValue("Endpoint", out var endpoint) ? endpoint?.ToString() ?? connectionString : connectionString;
    }
}

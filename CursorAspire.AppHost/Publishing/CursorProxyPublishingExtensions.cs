using System.Text;
using CursorAspire.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// The proxy as it is published: who fronts it, and its secret settings as parameters. Running, none of this changes anything.
/// </summary>
public static class CursorProxyPublishingExtensions
{
    /// <summary>Why a quick tunnel leaves the published proxy on the platform's ingress.</summary>
    public const string NoPublishedTunnelWarning =
        "No named tunnel (CloudflareTunnel:Hostname) and no AppHost:PublicBaseUrl: a quick tunnel is never published, so the proxy is " +
        "published with an external HTTP endpoint that the platform's ingress must give an https URL (Azure Container Apps does; on " +
        "Kubernetes, your ingress). Set CloudflareTunnel:Hostname for a named tunnel, or AppHost:PublicBaseUrl for your own ingress (docs/deploy.md).";

    /// <summary>
    /// Published, the proxy's HTTP endpoint is external: an ingress in front of it (yours at <c>AppHost:PublicBaseUrl</c>, or
    /// the platform's) serves it on the public URL. Behind a named tunnel it stays internal: cloudflared reaches it inside the
    /// deployment, and nothing else should.
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="warning">Logged when publishing, to say why (null for none).</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> PublishBehindIngress(this IResourceBuilder<CursorProxyResource> proxy, string? warning = null)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var app = proxy.ApplicationBuilder;
        if (!app.ExecutionContext.IsPublishMode)
        {
            return proxy;
        }

        if (warning is not null)
        {
            app.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
            {
                e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CursorAspire.AppHost").LogWarning("{Warning}", warning);
                return Task.CompletedTask;
            });
        }

        return proxy.WithExternalHttpEndpoints();
    }

    /// <summary>
    /// Published, each secret among the <c>Proxy:*</c> settings (<c>Proxy:ApiKeys:N</c>, <c>Proxy:Keys:&lt;name&gt;:Key</c>,
    /// <c>Proxy:Providers:&lt;name&gt;:ApiKey</c>) becomes a secret parameter named after its key
    /// (<see cref="ParameterNameFor"/>), so the manifest holds a reference and the deployment asks for the value: the publishing
    /// machine's secrets never land in it. <c>Proxy:ApiKeys:0</c> is the AppHost's own key (<c>proxy-api-key</c>) and is skipped.
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="settings">The <c>Proxy</c> section of the AppHost's configuration.</param>
    /// <returns>The parameter for each secret setting, by configuration key; empty when running.</returns>
    public static IReadOnlyDictionary<string, IResourceBuilder<ParameterResource>> AddSecretSettingParameters(this IResourceBuilder<CursorProxyResource> proxy, IConfigurationSection settings)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(settings);
        var parameters = new Dictionary<string, IResourceBuilder<ParameterResource>>(StringComparer.OrdinalIgnoreCase);
        if (!proxy.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return parameters;
        }

        foreach (var (key, value) in settings.AsEnumerable())
        {
            if (value is not null && IsSecret(key) && ProxyConfigurationKeys.FromConfigurationKey(key) != ProxyConfigurationKeys.ApiKey)
            {
                parameters[key] = proxy.ApplicationBuilder.AddParameter(ParameterNameFor(key), secret: true);
            }
        }

        return parameters;
    }

    /// <summary>Whether a <c>Proxy:*</c> configuration key holds a secret: a key Cursor sends, or an upstream's key.</summary>
    /// <param name="key">The configuration key, <c>:</c>-separated.</param>
    /// <returns>True for <c>Proxy:ApiKeys:N</c>, <c>Proxy:Keys:&lt;name&gt;:Key</c> and <c>Proxy:Providers:&lt;name&gt;:ApiKey</c>.</returns>
    public static bool IsSecret(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = key.Split(':');
        return parts.Length switch
        {
            3 => Is(parts[0], ProxyConfigurationKeys.Section) && Is(parts[1], "ApiKeys"),
            4 => Is(parts[0], ProxyConfigurationKeys.Section)
                && ((Is(parts[1], "Keys") && Is(parts[3], "Key")) || (Is(parts[1], "Providers") && Is(parts[3], "ApiKey"))),
            _ => false,
        };

        static bool Is(string part, string name) => part.Equals(name, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The parameter for a secret setting: its key in lower case, each run of other characters a hyphen
    /// (<c>Proxy:Keys:alice:Key</c> → <c>proxy-keys-alice-key</c>).
    /// </summary>
    /// <param name="key">The configuration key.</param>
    /// <returns>A valid resource name.</returns>
    public static string ParameterNameFor(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = new StringBuilder(key.Length);
        foreach (var c in key.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[^1] != '-')
            {
                name.Append('-');
            }
        }

        return name.ToString().TrimEnd('-');
    }
}

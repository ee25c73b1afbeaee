using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using CursorAspire.AppHost.Cursor;
using CursorAspire.Contracts;

namespace CursorAspire.AppHost.ProxyConfiguration;

/// <summary>
/// Configures the proxy from the AppHost: its key, providers, model aliases, default model and public URL, written as
/// environment variables in the proxy's configuration schema (<see cref="ProxyConfigurationKeys"/>).
/// </summary>
public static class ProxyConfigurationBuilderExtensions
{
    /// <summary>Sets the key clients must send as <c>Authorization: Bearer</c>.</summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="apiKey">The secret parameter holding the key.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<T> WithProxyApiKey<T>(this IResourceBuilder<T> proxy, IResourceBuilder<ParameterResource> apiKey)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(apiKey);
        return proxy
            .WithAnnotation(new ProxyApiKeyAnnotation(apiKey.Resource), ResourceAnnotationMutationBehavior.Replace)
            .WithEnvironment(ProxyConfigurationKeys.ApiKey, apiKey);
    }

    /// <summary>
    /// Adds an Ollama provider named <paramref name="provider"/>. Its endpoint arrives as the connection string
    /// <c>ConnectionStrings__{provider}</c> (<c>Endpoint=http://host:port</c>); the proxy starts after the server is healthy.
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="provider">The provider's name in the proxy's configuration, also the connection string's name.</param>
    /// <param name="server">The Ollama server, container or process.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<T> WithOllamaProvider<T>(this IResourceBuilder<T> proxy, string provider, IResourceBuilder<IOllamaServerResource> server)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(server);
        return proxy
            .WithEnvironment(ProxyConfigurationKeys.KindOf(provider), nameof(ProviderKind.Ollama))
            .WithReference(server, connectionName: provider)
            .WaitFor(server);
    }

    /// <summary>
    /// Serves <paramref name="model"/> under its local alias (<see cref="ModelAliases.ForLocalModel"/>) through the
    /// Ollama provider <paramref name="provider"/>; the proxy starts only after the model is downloaded.
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="provider">The Ollama provider added with <see cref="WithOllamaProvider{T}"/>.</param>
    /// <param name="model">The model resource, a child of the provider's server.</param>
    /// <param name="contextLength">The context window the proxy asks Ollama for; Ollama's default when <see langword="null"/>.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<T> WithOllamaModel<T>(this IResourceBuilder<T> proxy, string provider, IResourceBuilder<OllamaModelResource> model, int? contextLength = null)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(model);
        return proxy
            .WithModelAlias(ModelAliases.ForLocalModel(model.Resource.ModelName), provider, model.Resource.ModelName, contextLength)
            .WaitFor(model);
    }

    /// <summary>Adds an OpenAI-compatible provider with its endpoint and secret key.</summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="provider">The provider's name in the proxy's configuration.</param>
    /// <param name="endpoint">The API's base URL, e.g. <c>https://api.openai.com/v1</c>.</param>
    /// <param name="apiKey">The secret parameter holding the provider's key.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<T> WithOpenAIProvider<T>(this IResourceBuilder<T> proxy, string provider, string endpoint, IResourceBuilder<ParameterResource> apiKey)
        where T : IResourceWithEnvironment =>
        proxy.WithRemoteProvider(provider, ProviderKind.OpenAI, endpoint, apiKey);

    /// <summary>Adds an Anthropic (Messages API) provider with its endpoint and secret key.</summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="provider">The provider's name in the proxy's configuration.</param>
    /// <param name="endpoint">The API's base URL, e.g. <c>https://api.anthropic.com</c>.</param>
    /// <param name="apiKey">The secret parameter holding the provider's key.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<T> WithAnthropicProvider<T>(this IResourceBuilder<T> proxy, string provider, string endpoint, IResourceBuilder<ParameterResource> apiKey)
        where T : IResourceWithEnvironment =>
        proxy.WithRemoteProvider(provider, ProviderKind.Anthropic, endpoint, apiKey);

    /// <summary>Serves each of <paramref name="models"/> of a remote provider as <c>&lt;provider&gt;-&lt;model&gt;</c>.</summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="provider">The remote provider.</param>
    /// <param name="models">The provider's model names.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<T> WithRemoteModels<T>(this IResourceBuilder<T> proxy, string provider, IEnumerable<string> models)
        where T : IResourceWithEnvironment
    {
        foreach (var model in models)
        {
            proxy.WithModelAlias(ModelAliases.ForRemoteModel(provider, model), provider, model);
        }
        return proxy;
    }

    private static IResourceBuilder<T> WithRemoteProvider<T>(this IResourceBuilder<T> proxy, string provider, ProviderKind kind, string endpoint, IResourceBuilder<ParameterResource> apiKey)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentNullException.ThrowIfNull(apiKey);
        return proxy
            .WithEnvironment(ProxyConfigurationKeys.KindOf(provider), kind.ToString())
            .WithEnvironment(ProxyConfigurationKeys.EndpointOf(provider), endpoint)
            .WithEnvironment(ProxyConfigurationKeys.ApiKeyOf(provider), apiKey);
    }

    /// <summary>
    /// Serves <paramref name="upstreamModel"/> of <paramref name="provider"/> under the name <paramref name="alias"/>.
    /// Names Cursor treats specially are reported at start-up (<see cref="CursorModelNames.FindConflict"/>).
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="alias">The model name Cursor sends.</param>
    /// <param name="provider">The provider the proxy routes it to.</param>
    /// <param name="upstreamModel">The model name the provider knows.</param>
    /// <param name="contextLength">The context window to ask for (Ollama only); the provider's default when <see langword="null"/>.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<T> WithModelAlias<T>(this IResourceBuilder<T> proxy, string alias, string provider, string upstreamModel, int? contextLength = null)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        ArgumentException.ThrowIfNullOrWhiteSpace(upstreamModel);
        proxy
            .WithAnnotation(new ProxyModelAliasAnnotation(alias, provider, upstreamModel))
            .WithEnvironment(ProxyConfigurationKeys.ProviderOf(alias), provider)
            .WithEnvironment(ProxyConfigurationKeys.UpstreamModelOf(alias), upstreamModel);
        if (contextLength is { } length)
        {
            proxy.WithEnvironment(ProxyConfigurationKeys.ContextLengthOf(alias), length.ToString(CultureInfo.InvariantCulture));
        }

        return proxy;
    }

    /// <summary>
    /// Sets the alias used for model names the proxy does not know (Cursor's Verify call sends one): <paramref name="alias"/>,
    /// or, when it is <see langword="null"/>, the first alias the proxy serves. With no alias at all nothing is set.
    /// </summary>
    /// <remarks>The first alias is chosen when the proxy's environment is built, so aliases added after this call count.</remarks>
    /// <param name="proxy">The proxy.</param>
    /// <param name="alias">The default model's alias, e.g. from <c>AppHost:DefaultModel</c>; <see langword="null"/> for the first alias.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<T> WithDefaultModel<T>(this IResourceBuilder<T> proxy, string? alias = null)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(proxy);
        if (alias is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        }

        return proxy.WithEnvironment(context =>
        {
            var resource = proxy.Resource;
            if ((alias ?? resource.Annotations.OfType<ProxyModelAliasAnnotation>().FirstOrDefault()?.Alias) is { } defaultModel)
            {
                context.EnvironmentVariables[ProxyConfigurationKeys.DefaultModel] = defaultModel;
            }
        });
    }

    /// <summary>
    /// Passes every <c>Proxy:*</c> setting of the AppHost's own configuration (its user secrets, environment variables,
    /// command line) to the proxy: named keys, fallbacks, prices, limits, anything the AppHost does not set itself. The
    /// proxy runs as Production, where its own user secrets are not read; the AppHost's are, so an upstream key kept
    /// there stays out of the repository. What the AppHost sets itself (the key, providers, aliases) wins for the same key.
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="configuration">The AppHost's configuration.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<T> WithProxySettingsFrom<T>(this IResourceBuilder<T> proxy, IConfiguration configuration)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ProxyConfigurationKeys.Section);
        return proxy.WithEnvironment(context =>
        {
            foreach (var (key, value) in section.AsEnumerable())
            {
                if (value is not null)
                {
                    // TryAdd: what the AppHost set before stays; what it sets after (the public URL) overwrites.
                    context.EnvironmentVariables.TryAdd(ProxyConfigurationKeys.FromConfigurationKey(key), value);
                }
            }
        });
    }

    /// <summary>
    /// A public URL known before start (your own domain or reverse proxy): the proxy gets it as
    /// <c>Proxy__PublicBaseUrl</c> and the Cursor setup text uses it.
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="publicBaseUrl">An absolute https URL.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<T> WithPublicBaseUrl<T>(this IResourceBuilder<T> proxy, string publicBaseUrl)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(proxy);
        if (!Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"The public base URL '{publicBaseUrl}' must be an absolute https URL (Cursor refuses anything else).", nameof(publicBaseUrl));
        }

        var url = publicBaseUrl.TrimEnd('/');
        return proxy
            .WithAnnotation(new PublicBaseUrlAnnotation(() => url), ResourceAnnotationMutationBehavior.Replace)
            .WithEnvironment(ProxyConfigurationKeys.PublicBaseUrl, url);
    }

    /// <summary>
    /// The seam for a tunnel whose URL is only known at run time: the Cursor setup text asks
    /// <paramref name="currentPublicUrl"/> when the proxy is ready. It does not set <c>Proxy__PublicBaseUrl</c>;
    /// the tunnel integration does (CursorAspire.Tunnel's <c>WithTunnelPublicUrl</c>).
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="currentPublicUrl">Returns the public base URL now, or <see langword="null"/> while there is none.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<T> WithCursorPublicUrl<T>(this IResourceBuilder<T> proxy, Func<string?> currentPublicUrl)
        where T : IResource
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(currentPublicUrl);
        return proxy.WithAnnotation(new PublicBaseUrlAnnotation(currentPublicUrl), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// Puts the proxy behind <paramref name="tunnel"/>: <c>Proxy__PublicBaseUrl</c> follows the tunnel's public URL
    /// (the proxy restarts when a quick tunnel's URL changes) and the Cursor setup text gives that URL.
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="tunnel">The tunnel whose target is the proxy's endpoint.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<T> WithPublicTunnel<T>(this IResourceBuilder<T> proxy, IResourceBuilder<ICloudflareTunnelResource> tunnel)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(tunnel);
        return proxy
            .WithTunnelPublicUrl(tunnel, ProxyConfigurationKeys.PublicBaseUrl)
            .WithCursorPublicUrl(() => tunnel.Resource.Tunnel.PublicUrl?.ToString());
    }
}

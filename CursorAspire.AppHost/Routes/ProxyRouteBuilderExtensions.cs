using CursorAspire.Proxy.Routing;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using CursorAspire.AppHost.Cursor;
using CursorAspire.AppHost.Ollama;

namespace CursorAspire.AppHost.Routes;

/// <summary>
/// Configures the proxy's routes from the AppHost: its key, providers and model aliases, written as environment
/// variables in the proxy's configuration schema (<see cref="ProxyConfigurationKeys"/>).
/// </summary>
public static class ProxyRouteBuilderExtensions
{
    /// <summary>Provider kind for Ollama's native API.</summary>
    public const string OllamaKind = "Ollama";

    /// <summary>Provider kind for OpenAI-compatible APIs.</summary>
    public const string OpenAIKind = "OpenAI";

    /// <summary>Provider kind for Anthropic's Messages API.</summary>
    public const string AnthropicKind = "Anthropic";

    /// <summary>Sets the key clients must send as <c>Authorization: Bearer</c>.</summary>
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
    public static IResourceBuilder<T> WithOllamaProvider<T>(this IResourceBuilder<T> proxy, string provider, IResourceBuilder<IOllamaServerResource> server)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(server);
        return proxy
            .WithEnvironment(ProxyConfigurationKeys.Provider(provider, "Kind"), OllamaKind)
            .WithReference(server, connectionName: provider)
            .WaitFor(server);
    }

    /// <summary>
    /// Serves <paramref name="model"/> under its local alias (<see cref="ModelAliases.ForLocalModel"/>) through the
    /// Ollama provider <paramref name="provider"/>; the proxy starts only after the model is downloaded.
    /// </summary>
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
    public static IResourceBuilder<T> WithOpenAIProvider<T>(this IResourceBuilder<T> proxy, string provider, string endpoint, IResourceBuilder<ParameterResource> apiKey)
        where T : IResourceWithEnvironment =>
        proxy.WithRemoteProvider(provider, OpenAIKind, endpoint, apiKey);

    /// <summary>Adds an Anthropic (Messages API) provider with its endpoint and secret key.</summary>
    public static IResourceBuilder<T> WithAnthropicProvider<T>(this IResourceBuilder<T> proxy, string provider, string endpoint, IResourceBuilder<ParameterResource> apiKey)
        where T : IResourceWithEnvironment =>
        proxy.WithRemoteProvider(provider, AnthropicKind, endpoint, apiKey);

    /// <summary>Serves each of <paramref name="models"/> of a remote provider as <c>&lt;provider&gt;-&lt;model&gt;</c>.</summary>
    public static IResourceBuilder<T> WithRemoteModels<T>(this IResourceBuilder<T> proxy, string provider, IEnumerable<string> models)
        where T : IResourceWithEnvironment
    {
        foreach (var model in models)
        {
            proxy.WithModelAlias(ModelAliases.ForRemoteModel(provider, model), provider, model);
        }
        return proxy;
    }

    private static IResourceBuilder<T> WithRemoteProvider<T>(this IResourceBuilder<T> proxy, string provider, string kind, string endpoint, IResourceBuilder<ParameterResource> apiKey)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentNullException.ThrowIfNull(apiKey);
        return proxy
            .WithEnvironment(ProxyConfigurationKeys.Provider(provider, "Kind"), kind)
            .WithEnvironment(ProxyConfigurationKeys.Provider(provider, "Endpoint"), endpoint)
            .WithEnvironment(ProxyConfigurationKeys.Provider(provider, "ApiKey"), apiKey);
    }

    /// <summary>
    /// Serves <paramref name="upstreamModel"/> of <paramref name="provider"/> under the name <paramref name="alias"/>.
    /// Names Cursor treats specially are reported at start-up (<see cref="CursorModelNames.FindConflict"/>).
    /// </summary>
    public static IResourceBuilder<T> WithModelAlias<T>(this IResourceBuilder<T> proxy, string alias, string provider, string upstreamModel, int? contextLength = null)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        ArgumentException.ThrowIfNullOrWhiteSpace(upstreamModel);
        proxy
            .WithAnnotation(new ProxyModelAliasAnnotation(alias, provider, upstreamModel))
            .WithEnvironment(ProxyConfigurationKeys.Model(alias, "Provider"), provider)
            .WithEnvironment(ProxyConfigurationKeys.Model(alias, "Model"), upstreamModel);
        if (contextLength is { } length)
        {
            proxy.WithEnvironment(ProxyConfigurationKeys.Model(alias, "ContextLength"), length.ToString(CultureInfo.InvariantCulture));
        }

        return proxy;
    }

    /// <summary>Sets the alias used for model names the proxy does not know (Cursor's Verify call sends one).</summary>
    public static IResourceBuilder<T> WithDefaultModel<T>(this IResourceBuilder<T> proxy, string alias)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        return proxy.WithEnvironment(ProxyConfigurationKeys.DefaultModel, alias);
    }

    /// <summary>
    /// A public URL known before start (your own domain or reverse proxy): the proxy gets it as
    /// <c>Proxy__PublicBaseUrl</c> and the Cursor setup text uses it.
    /// </summary>
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
    public static IResourceBuilder<T> WithCursorPublicUrl<T>(this IResourceBuilder<T> proxy, Func<string?> currentPublicUrl)
        where T : IResource
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(currentPublicUrl);
        return proxy.WithAnnotation(new PublicBaseUrlAnnotation(currentPublicUrl), ResourceAnnotationMutationBehavior.Replace);
    }
}

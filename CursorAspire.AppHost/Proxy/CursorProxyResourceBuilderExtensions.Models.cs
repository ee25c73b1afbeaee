using System.Globalization;
using CursorAspire.AppHost.Cursor;
using CursorAspire.AppHost.Ollama.Fit;
using CursorAspire.Contracts;

namespace Aspire.Hosting;

/// <summary>The proxy's providers and the model aliases it serves them under.</summary>
public static partial class CursorProxyResourceBuilderExtensions
{
    /// <summary>
    /// Adds an Ollama provider named <paramref name="provider"/>. Its endpoint arrives as the connection string
    /// <c>ConnectionStrings__{provider}</c> (<c>Endpoint=http://host:port</c>); the proxy starts after the server is healthy.
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="provider">The provider's name in the proxy's configuration, also the connection string's name.</param>
    /// <param name="server">The Ollama server, container or process.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithOllamaProvider(this IResourceBuilder<CursorProxyResource> proxy, string provider, IResourceBuilder<IOllamaServerResource> server)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(server);
        return proxy
            .WithEnvironment(ProxyConfigurationKeys.KindOf(provider), nameof(ProviderKind.Ollama))
            .WithReference(server, connectionName: provider)
            .WaitFor(server);
    }

    /// <summary>
    /// Adds an Ollama provider named <paramref name="provider"/> that runs elsewhere (your own Ollama, e.g. on a GPU
    /// machine): its connection string (<c>Endpoint=https://host:11434</c>) arrives as <c>ConnectionStrings__{provider}</c>.
    /// Nothing is waited for and no model is pulled: that Ollama must have the models.
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="provider">The provider's name in the proxy's configuration, also the connection string's name.</param>
    /// <param name="server">The connection string, e.g. <c>builder.AddConnectionString("ollama")</c>.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithOllamaProvider(this IResourceBuilder<CursorProxyResource> proxy, string provider, IResourceBuilder<IResourceWithConnectionString> server)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(server);
        return proxy
            .WithEnvironment(ProxyConfigurationKeys.KindOf(provider), nameof(ProviderKind.Ollama))
            .WithReference(server, connectionName: provider);
    }

    /// <summary>
    /// Serves <paramref name="model"/> (as Ollama names it) under its local alias (<see cref="ModelAliases.ForLocalModel"/>)
    /// through the Ollama provider <paramref name="provider"/>, without a model resource: for an Ollama that runs
    /// elsewhere and has it. Compacted by default (<see cref="WithCompactionByDefault"/>). No advisor sees that machine:
    /// <c>auto</c> is what Cursor's agent needs (<see cref="OllamaModelFitAdvisor.CursorWindow"/>).
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="provider">The Ollama provider.</param>
    /// <param name="model">The model, e.g. <c>qwen2.5-coder:7b</c>.</param>
    /// <param name="window">The context window the proxy asks Ollama for at most; the model's own when <see langword="null"/>.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithLocalModel(this IResourceBuilder<CursorProxyResource> proxy, string provider, string model, OllamaContextWindow? window = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var alias = ModelAliases.ForLocalModel(model);
        proxy.WithModelAlias(alias, provider, model, window is { } configured ? configured.Tokens ?? OllamaModelFitAdvisor.CursorWindow : null);
        return proxy.WithCompactionByDefault(alias);
    }

    /// <summary>
    /// Serves <paramref name="model"/> under its local alias (<see cref="ModelAliases.ForLocalModel"/>) through the
    /// Ollama provider <paramref name="provider"/>; the proxy starts only after the model is downloaded. Its window is the
    /// model's (<see cref="OllamaModelResource.ContextWindow"/>): <c>auto</c> is the model-fit advisor's choice, made
    /// before the model turns Running (else what Cursor's agent needs). Compacted by default (<see cref="WithCompactionByDefault"/>).
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="provider">The Ollama provider added with <see cref="WithOllamaProvider(IResourceBuilder{CursorProxyResource}, string, IResourceBuilder{IOllamaServerResource})"/>.</param>
    /// <param name="model">The model resource, a child of the provider's server.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithOllamaModel(this IResourceBuilder<CursorProxyResource> proxy, string provider, IResourceBuilder<OllamaModelResource> model)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(model);
        var resource = model.Resource;
        var alias = ModelAliases.ForLocalModel(resource.ModelName);
        proxy.WithModelAlias(alias, provider, resource.ModelName, resource.ContextWindow?.Tokens);
        if (resource.ContextWindow is { IsAuto: true })
        {
            // Read when the proxy starts, which is after the model is Running, so after the advice.
            proxy.WithEnvironment(context => context.EnvironmentVariables[ProxyConfigurationKeys.ContextLengthOf(alias)] =
                (resource.Fit?.Window ?? OllamaModelFitAdvisor.CursorWindow).ToString(CultureInfo.InvariantCulture));
        }

        return proxy.WithCompactionByDefault(alias).WaitFor(model);
    }

    /// <summary>
    /// Turns compaction on for <paramref name="alias"/> (<c>Proxy:Models:&lt;alias&gt;:Compaction</c>): a local model's
    /// window is small next to Cursor's agent sessions, which would otherwise end in "start a new chat". A default: the
    /// AppHost's own <c>Proxy:Models:&lt;alias&gt;:Compaction=false</c> wins (<see cref="WithProxySettingsFrom"/>).
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="alias">The local alias.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithCompactionByDefault(this IResourceBuilder<CursorProxyResource> proxy, string alias)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var variable = ProxyConfigurationKeys.CompactionOf(alias);
        return proxy
            .WithEnvironment(variable, "true")
            .WithAnnotation(new ProxySettingDefaultAnnotation(variable));
    }

    /// <summary>Adds an OpenAI-compatible provider with its endpoint and secret key.</summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="provider">The provider's name in the proxy's configuration.</param>
    /// <param name="endpoint">The API's base URL, e.g. <c>https://api.openai.com/v1</c>.</param>
    /// <param name="apiKey">The secret parameter holding the provider's key.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithOpenAIProvider(this IResourceBuilder<CursorProxyResource> proxy, string provider, string endpoint, IResourceBuilder<ParameterResource> apiKey) =>
        proxy.WithRemoteProvider(provider, ProviderKind.OpenAI, endpoint, apiKey);

    /// <summary>Adds an Anthropic (Messages API) provider with its endpoint and secret key.</summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="provider">The provider's name in the proxy's configuration.</param>
    /// <param name="endpoint">The API's base URL, e.g. <c>https://api.anthropic.com</c>.</param>
    /// <param name="apiKey">The secret parameter holding the provider's key.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithAnthropicProvider(this IResourceBuilder<CursorProxyResource> proxy, string provider, string endpoint, IResourceBuilder<ParameterResource> apiKey) =>
        proxy.WithRemoteProvider(provider, ProviderKind.Anthropic, endpoint, apiKey);

    /// <summary>Serves each of <paramref name="models"/> of a remote provider as <c>&lt;provider&gt;-&lt;model&gt;</c>.</summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="provider">The remote provider.</param>
    /// <param name="models">The provider's model names.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithRemoteModels(this IResourceBuilder<CursorProxyResource> proxy, string provider, IEnumerable<string> models)
    {
        foreach (var model in models)
        {
            proxy.WithModelAlias(ModelAliases.ForRemoteModel(provider, model), provider, model);
        }
        return proxy;
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
    public static IResourceBuilder<CursorProxyResource> WithModelAlias(this IResourceBuilder<CursorProxyResource> proxy, string alias, string provider, string upstreamModel, int? contextLength = null)
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

    private static IResourceBuilder<CursorProxyResource> WithRemoteProvider(this IResourceBuilder<CursorProxyResource> proxy, string provider, ProviderKind kind, string endpoint, IResourceBuilder<ParameterResource> apiKey)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentNullException.ThrowIfNull(apiKey);
        return proxy
            .WithEnvironment(ProxyConfigurationKeys.KindOf(provider), kind.ToString())
            .WithEnvironment(ProxyConfigurationKeys.EndpointOf(provider), endpoint)
            .WithEnvironment(ProxyConfigurationKeys.ApiKeyOf(provider), apiKey);
    }
}

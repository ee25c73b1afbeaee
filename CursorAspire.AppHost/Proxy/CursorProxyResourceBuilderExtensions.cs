using CursorAspire.Contracts;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// Adds CursorAspire.Proxy to the application and configures it: its key, cache, providers, model aliases, default
/// model and public URL, written as environment variables in the proxy's configuration schema
/// (<see cref="ProxyConfigurationKeys"/>). Every <c>With…</c> here extends the proxy's builder only.
/// </summary>
/// <remarks>
/// One class in three files: adding the proxy and what every proxy needs (this file); its providers and model
/// aliases (<c>.Models.cs</c>); its public URL (<c>.PublicUrl.cs</c>).
/// </remarks>
public static partial class CursorProxyResourceBuilderExtensions
{
    /// <summary>The path the proxy answers its health on, locally and through the public URL.</summary>
    public const string HealthPath = "/health";

    /// <summary>The path the proxy answers while its process runs (liveness), whatever its cache and upstreams do.</summary>
    public const string AlivePath = "/alive";

    /// <summary>
    /// Adds CursorAspire.Proxy, the OpenAI-compatible endpoint Cursor calls, as a .NET project with everything
    /// <c>AddProject</c> gives one (endpoints from its launch settings, OpenTelemetry, console logs, replicas), healthy
    /// once <see cref="HealthPath"/> answers. It runs as Production whatever the AppHost's own environment: it sits on a
    /// public URL, where a developer exception page has no place. It serves plain HTTP on loopback (TLS is the public
    /// front end's, Cloudflare's for the tunnel), so it asks for no development certificate: Aspire otherwise gives every
    /// project Kestrel's certificate set-up and, on a machine without a trusted one (a fresh Linux with only the SDK),
    /// tops every dashboard page with a red "No trusted development certificate" banner.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The proxy's builder, which only the proxy's own <c>With…</c> extensions extend.</returns>
    public static IResourceBuilder<CursorProxyResource> AddCursorProxy(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
#pragma warning disable ASPIREPROJECTS001 // What AddProject<T> does, with a resource type of our own (documented for integrations that add one).
#pragma warning disable ASPIRECERTIFICATES001 // Experimental; the documented way to turn a resource's certificate set-up off.
        var proxy = builder.AddResource(new CursorProxyResource(name))
            .WithAnnotation(new Projects.CursorAspire_Proxy())
            .WithProjectDefaults(new ProjectResourceOptions())
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
            .WithoutHttpsCertificate()
            // It reads its cache and Ollama as connection strings only: no CACHE_PASSWORD or CACHE_URI copies of the secret.
            .WithReferenceEnvironment(ReferenceEnvironmentInjectionFlags.ConnectionString)
            .WithHttpHealthCheck(HealthPath)
            .WithDeploymentProbes();
#pragma warning restore ASPIRECERTIFICATES001
#pragma warning restore ASPIREPROJECTS001
        return builder.ExecutionContext.IsPublishMode ? proxy.WithDeploymentHintsInManifest() : proxy;
    }

    /// <summary>
    /// Runs <paramref name="replicas"/> proxy processes behind the proxy's one endpoint (and so behind the tunnel): the
    /// AppHost's endpoint spreads connections over them, and a deployment runs that many instances. They share every
    /// limit, budget, conversation and cached answer through the cache.
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="replicas">How many; at least 1.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithReplicas(this IResourceBuilder<CursorProxyResource> proxy, int replicas)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        // Aspire's own annotation (its WithReplicas adds one more each call; the count is one setting, so it replaces).
        return proxy.WithAnnotation(new ReplicaAnnotation(replicas), ResourceAnnotationMutationBehavior.Replace);
    }

#pragma warning disable ASPIREPROBES001 // Aspire's record of health probes, which its deployment publishers (and our manifest block) read.
    /// <summary>
    /// The probes a deployment gives each replica: started once <see cref="HealthPath"/> is healthy (it reaches the cache,
    /// so a new replica joins with the shared limits and state), alive and ready while <see cref="AlivePath"/> answers. Ready
    /// is not tied to the cache on purpose: the proxy serves through a cache outage (answers uncached, limits held per
    /// replica meanwhile), and a readiness probe on it would take every replica out at once.
    /// </summary>
    /// <remarks>
    /// Added as annotations rather than with <c>WithHttpProbe</c>, which also adds an AppHost health check per probe: the
    /// AppHost already checks <see cref="HealthPath"/>, and two probes on one path would add the same check twice.
    /// </remarks>
    private static IResourceBuilder<CursorProxyResource> WithDeploymentProbes(this IResourceBuilder<CursorProxyResource> proxy)
    {
        var http = proxy.GetEndpoint("http");
        return proxy
            .WithAnnotation(new EndpointProbeAnnotation { Type = ProbeType.Startup, EndpointReference = http, Path = HealthPath, PeriodSeconds = 5, FailureThreshold = 60 })
            .WithAnnotation(new EndpointProbeAnnotation { Type = ProbeType.Readiness, EndpointReference = http, Path = AlivePath, PeriodSeconds = 5 })
            .WithAnnotation(new EndpointProbeAnnotation { Type = ProbeType.Liveness, EndpointReference = http, Path = AlivePath, PeriodSeconds = 10, FailureThreshold = 6 });
    }
#pragma warning restore ASPIREPROBES001

    /// <summary>
    /// Gives the proxy its Redis-protocol cache (response cache and stored state) as the connection string
    /// <see cref="ProxyConnectionNames.Cache"/>; the proxy starts once the cache is healthy.
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="cache">The cache, whichever server it is.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithCache(this IResourceBuilder<CursorProxyResource> proxy, IResourceBuilder<IResourceWithConnectionString> cache)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(cache);
        return proxy.WithReference(cache, connectionName: ProxyConnectionNames.Cache).WaitFor(cache);
    }

    /// <summary>Sets the key clients must send as <c>Authorization: Bearer</c>.</summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="apiKey">The secret parameter holding the key.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithProxyApiKey(this IResourceBuilder<CursorProxyResource> proxy, IResourceBuilder<ParameterResource> apiKey)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(apiKey);
        return proxy
            .WithAnnotation(new ProxyApiKeyAnnotation(apiKey.Resource), ResourceAnnotationMutationBehavior.Replace)
            .WithEnvironment(ProxyConfigurationKeys.ApiKey, apiKey);
    }

    /// <summary>
    /// Sets the alias used for model names the proxy does not know (Cursor's Verify call sends one): <paramref name="alias"/>,
    /// or, when it is <see langword="null"/>, the first alias the proxy serves. With no alias at all nothing is set.
    /// </summary>
    /// <remarks>The first alias is chosen when the proxy's environment is built, so aliases added after this call count.</remarks>
    /// <param name="proxy">The proxy.</param>
    /// <param name="alias">The default model's alias, e.g. from <c>AppHost:DefaultModel</c>; <see langword="null"/> for the first alias.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithDefaultModel(this IResourceBuilder<CursorProxyResource> proxy, string? alias = null)
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
    /// Published, the secrets among them are parameters (<see cref="CursorProxyPublishingExtensions.AddSecretSettingParameters"/>).
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="configuration">The AppHost's configuration.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithProxySettingsFrom(this IResourceBuilder<CursorProxyResource> proxy, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ProxyConfigurationKeys.Section);
        var secrets = proxy.AddSecretSettingParameters(section); // published only: a secret is a parameter, never a value
        return proxy.WithEnvironment(context =>
        {
            var defaults = proxy.Resource.Annotations.OfType<ProxySettingDefaultAnnotation>().Select(a => a.Variable).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in section.AsEnumerable())
            {
                if (value is not null)
                {
                    // What the AppHost set before stays, but for its defaults; what it sets after (the public URL) overwrites.
                    var variable = ProxyConfigurationKeys.FromConfigurationKey(key);
                    object setting = secrets.TryGetValue(key, out var parameter) ? parameter.Resource : value;
                    if (defaults.Contains(variable))
                    {
                        context.EnvironmentVariables[variable] = setting;
                    }
                    else
                    {
                        context.EnvironmentVariables.TryAdd(variable, setting);
                    }
                }
            }
        });
    }
}

using CursorAspire.AppHost.Hosting;

namespace CursorAspire.AppHost.Publishing;

/// <summary>
/// The plan for publishing (<c>--publisher manifest</c>): always the container model that azd and Kubernetes tools deploy,
/// whatever the publishing machine has installed. Nothing is probed: a laptop without Docker must publish the same
/// manifest as one with it.
/// </summary>
/// <remarks>
/// Published: the proxy as <c>AppHost:ProxyReplicas</c> replicas (default <see cref="DefaultProxyReplicas"/>); Redis as a
/// container, or the existing Redis of <c>ConnectionStrings:cache</c>; Ollama as a container when <c>Ollama:Models</c>
/// lists any, or the existing Ollama of <c>ConnectionStrings:ollama</c>. The tunnel decides for itself (a named tunnel is
/// published, a quick one never is).
/// </remarks>
public static class PublishingPlanner
{
    /// <summary>Proxy replicas when publishing and <c>AppHost:ProxyReplicas</c> is not set: two, so one can restart while the other serves.</summary>
    public const int DefaultProxyReplicas = 2;

    /// <summary>Why no Ollama is published when no model is configured.</summary>
    public const string NoModelsReason =
        "Ollama:Models is empty, so no Ollama is published (a GPU node serving no model costs money for nothing). List models in " +
        "Ollama:Models to publish the Ollama container, or give ConnectionStrings:ollama to use an Ollama you run.";

    /// <summary>Decides the publishing plan from the settings alone.</summary>
    /// <param name="settings">The AppHost's settings.</param>
    /// <returns>The container model, with the existing services the settings name.</returns>
    public static HostingPlan Decide(AppHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new HostingPlan(HostingMode.Containers, "publishing: the container model, whatever this machine has", RedisServerPath: null, OllamaCommand: null)
        {
            ProxyReplicas = settings.ProxyReplicas ?? DefaultProxyReplicas,
            ExistingCache = settings.HasCacheConnectionString,
            ExistingOllama = settings.HasOllamaConnectionString,
            OllamaLeftOutReason = settings.HasOllamaConnectionString || settings.OllamaModels.Count > 0 ? null : NoModelsReason,
        };
    }
}

namespace Aspire.Hosting;

/// <summary>Ollama as it is published: the container with its models volume, its GPUs, and its models pulled when it starts.</summary>
public static class PublishedOllamaBuilderExtensions
{
    /// <summary>The container's environment variable listing the models it pulls at start, space-separated.</summary>
    public const string ModelsToPullVariable = "CURSORASPIRE_OLLAMA_PULL";

    /// <summary>
    /// The container's start: <c>ollama serve</c>, then, once it answers, each model of <see cref="ModelsToPullVariable"/>
    /// pulled (three tries each; a model already on the volume takes a second). Without the AppHost there is nobody else to
    /// pull them. SIGTERM reaches <c>ollama serve</c>, so a rolling update stops it cleanly. No braces: azd reads
    /// <c>{…}</c> in arguments as references.
    /// </summary>
    public const string StartScript =
        "ollama serve & serve=$!; " +
        "trap 'kill -TERM $serve; wait $serve; exit 0' TERM INT; " +
        "until ollama list >/dev/null 2>&1; do sleep 1; done; " +
        "for model in $" + ModelsToPullVariable + "; do " +
        "for try in 1 2 3; do ollama pull \"$model\" && break; echo \"pull of $model failed (try $try of 3)\"; sleep 10; done; " +
        "done; " +
        "wait $serve";

    /// <summary>
    /// Adds the published Ollama: the pinned <c>ollama/ollama</c> container with its models volume, a request for one GPU
    /// of <see cref="OllamaServerOptions.Gpu"/>'s vendor (NVIDIA when none is named; AMD takes the <c>-rocm</c> image) and
    /// its models pulled at start. Without <see cref="OllamaServerOptions.UseContainer"/> nothing is published (shown as
    /// left out, with <see cref="OllamaServerOptions.UnavailableReason"/>).
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name; also the connection string name.</param>
    /// <param name="options">Ollama's options.</param>
    /// <returns>The container's builder, or <see langword="null"/> when no Ollama is published.</returns>
    public static IResourceBuilder<IOllamaServerResource>? AddPublishedOllama(this IDistributedApplicationBuilder builder, [ResourceName] string name, OllamaServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.UseContainer)
        {
            builder.AddUnavailable(name, options.UnavailableReason);
            return null;
        }

        var vendor = options.Gpu ?? OllamaGpuVendor.Nvidia;
        return builder.AddOllama(name)
            .WithDataVolume()
            .WithGpuSupport(vendor) // the image for the vendor; its runtime arguments are not part of a manifest
            .WithAnnotation(new GpuRequestAnnotation(vendor))
            .WithModelsPulledAtStart()
            .WithContainerDeploymentHintsInManifest();
    }

    /// <summary>
    /// Runs <see cref="StartScript"/> as the container's start, pulling the models added to it with <c>AddModel</c>
    /// (their resources are the AppHost's own and are not published).
    /// </summary>
    /// <param name="builder">The Ollama container.</param>
    /// <returns>The container's builder.</returns>
    public static IResourceBuilder<OllamaResource> WithModelsPulledAtStart(this IResourceBuilder<OllamaResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var server = builder.Resource;
        var resources = builder.ApplicationBuilder.Resources;
        return builder
            .WithEntrypoint("/bin/sh")
            .WithArgs("-c", StartScript)
            .WithEnvironment(context => context.EnvironmentVariables[ModelsToPullVariable] = string.Join(' ',
                resources.OfType<OllamaModelResource>().Where(m => ReferenceEquals(m.Parent, server)).Select(m => m.ModelName)));
    }
}

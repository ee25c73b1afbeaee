using CursorAspire.AppHost.Ollama;
using CursorAspire.AppHost.Ollama.Fit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>Adds Ollama servers and their models to an Aspire application.</summary>
public static class OllamaResourceBuilderExtensions
{
    /// <summary>Why Ollama is missing when it is, shown in the dashboard and logged.</summary>
    public const string OllamaUnavailableReason =
        "Ollama is not running: no container runtime answered and no 'ollama' command was found on PATH " +
        "(set Ollama:Command, install Ollama, or start Docker). Local models are off; remote providers still work.";

    /// <summary>The API path whose answer proves the server serves requests.</summary>
    public const string HealthPath = "/api/tags";

    /// <summary>The name of the model's dashboard command that pulls it again.</summary>
    public const string PullCommandName = "pull-model";

    /// <summary>The resource type shown in the dashboard for models.</summary>
    public const string ModelResourceType = "OllamaModel";

    /// <summary>The container runtime assumed when none is named.</summary>
    private const string DockerRuntime = "docker";

    /// <summary>
    /// Adds the Ollama server the way <paramref name="configure"/> says (<see cref="OllamaServerOptions"/>): a container
    /// with a models volume (and the GPUs it names, in the way its runtime takes them); else the Ollama command as a
    /// process; else nothing, with an <see cref="UnavailableResource"/> in its place that says why. Published, the container
    /// with its models pulled at start and a GPU request (<see cref="PublishedOllamaBuilderExtensions.AddPublishedOllama"/>).
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name; also the connection string name.</param>
    /// <param name="configure">Chooses container or process (the command found on this machine), GPUs and arguments.</param>
    /// <returns>The server's builder, or <see langword="null"/> when Ollama cannot run here.</returns>
    public static IResourceBuilder<IOllamaServerResource>? AddOllamaServer(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, Action<OllamaServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new OllamaServerOptions();
        configure?.Invoke(options);
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddPublishedOllama(name, options);
        }

        if (options.UseContainer)
        {
            var container = builder.AddOllama(name).WithDataVolume()
                .WithAnnotation(new OllamaGpuAccessAnnotation(options.GpuProbes, ContainerWithoutGpu(options)));
            return options.Gpu is { } vendor ? container.WithGpuSupport(vendor, options.ContainerRuntime ?? DockerRuntime) : container;
        }

        if (options.Command is { } command)
        {
            return builder.AddOllamaExecutable(name, command, [.. options.Args])
                .WithAnnotation(new OllamaGpuAccessAnnotation(options.GpuProbes, null));
        }

        builder.AddUnavailable(name, options.UnavailableReason);
        return null;
    }

    /// <summary>Why an Ollama container runs its models on the CPU whatever the machine has, or null when it gets a GPU.</summary>
    private static string? ContainerWithoutGpu(OllamaServerOptions options) => options switch
    {
        _ when OperatingSystem.IsMacOS() => "The Ollama container has no GPU: containers on macOS cannot use Apple's (install Ollama itself to use it)",
        { Gpu: null } => "The Ollama container was given no GPU (set Ollama:Gpu to nvidia or amd)",
        _ => null,
    };

    /// <summary>
    /// Adds Ollama as a container (<c>docker.io/ollama/ollama</c> at <see cref="OllamaContainerImageTags.Tag"/>),
    /// healthy once its API answers. Its port is published by the container runtime itself, not through the AppHost's
    /// proxy (<see cref="OllamaEndpoint"/>): a stopped container refuses connections instead of holding them.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name; also the connection string name.</param>
    /// <param name="port">A fixed host port, or null for a random one.</param>
    /// <returns>The container's builder.</returns>
    public static IResourceBuilder<OllamaResource> AddOllama(this IDistributedApplicationBuilder builder, [ResourceName] string name, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new OllamaResource(name))
            .WithImage(OllamaContainerImageTags.Image, OllamaContainerImageTags.Tag)
            .WithImageRegistry(OllamaContainerImageTags.Registry)
            .WithHttpEndpoint(port: port, targetPort: OllamaContainerImageTags.Port, name: IOllamaServerResource.PrimaryEndpointName, isProxied: OllamaEndpoint.IsProxied)
            .WithHttpHealthCheck(HealthPath, endpointName: IOllamaServerResource.PrimaryEndpointName);
    }

    /// <summary>
    /// Adds Ollama as a local process (<c>ollama serve</c> by default), told where to listen through <c>OLLAMA_HOST</c>,
    /// healthy once its API answers, on a port of its own rather than behind the AppHost's proxy
    /// (<see cref="OllamaEndpoint"/>): a dead process refuses connections. Excluded from the manifest: it only makes
    /// sense on the developer's machine.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name; also the connection string name.</param>
    /// <param name="command">The executable: <c>ollama</c>, a full path, or a compatible stand-in.</param>
    /// <param name="args">Its arguments; <c>serve</c> when none are given.</param>
    /// <returns>The process's builder.</returns>
    public static IResourceBuilder<OllamaExecutableResource> AddOllamaExecutable(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string command = "ollama", params string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var resource = new OllamaExecutableResource(name, command, builder.AppHostDirectory);
        var endpoint = resource.PrimaryEndpoint;
        return builder.AddResource(resource)
            .WithArgs(args.Length == 0 ? ["serve"] : args)
            .WithHttpEndpoint(name: IOllamaServerResource.PrimaryEndpointName, isProxied: OllamaEndpoint.IsProxied)
            .WithEnvironment("OLLAMA_HOST", ReferenceExpression.Create($"127.0.0.1:{endpoint.Property(EndpointProperty.TargetPort)}"))
            .WithHttpHealthCheck(HealthPath, endpointName: IOllamaServerResource.PrimaryEndpointName)
            .ExcludeFromManifest();
    }

    /// <summary>Keeps downloaded models in a named volume so they survive container restarts.</summary>
    /// <param name="builder">The Ollama container.</param>
    /// <param name="name">The volume name; generated from the application and resource names when null.</param>
    /// <returns>The container's builder.</returns>
    public static IResourceBuilder<OllamaResource> WithDataVolume(this IResourceBuilder<OllamaResource> builder, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithVolume(name ?? VolumeNameGenerator.Generate(builder, "models"), OllamaContainerImageTags.ModelsPath);
    }

    /// <summary>
    /// Gives the container the machine's GPUs. Opt-in: the container fails to start on a machine without them.
    /// NVIDIA: <c>--gpus all</c> on Docker (NVIDIA Container Toolkit), <c>--device nvidia.com/gpu=all</c> on Podman (its
    /// CDI spec, <c>nvidia-ctk cdi generate</c>). AMD: the <c>-rocm</c> image with <c>--device /dev/kfd --device /dev/dri</c>
    /// on either runtime.
    /// </summary>
    /// <param name="builder">The Ollama container.</param>
    /// <param name="vendor">Whose GPUs.</param>
    /// <param name="containerRuntime">The runtime the container runs on: <c>docker</c> (default) or <c>podman</c>.</param>
    /// <returns>The container's builder.</returns>
    public static IResourceBuilder<OllamaResource> WithGpuSupport(
        this IResourceBuilder<OllamaResource> builder, OllamaGpuVendor vendor = OllamaGpuVendor.Nvidia, string containerRuntime = DockerRuntime)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(containerRuntime);
        var podman = containerRuntime.Trim().Equals("podman", StringComparison.OrdinalIgnoreCase);
        return vendor switch
        {
            OllamaGpuVendor.Amd => builder.WithImageTag(OllamaContainerImageTags.RocmTag)
                .WithContainerRuntimeArgs("--device", "/dev/kfd", "--device", "/dev/dri"),
            OllamaGpuVendor.Nvidia when podman => builder.WithContainerRuntimeArgs("--device", "nvidia.com/gpu=all"),
            OllamaGpuVendor.Nvidia => builder.WithContainerRuntimeArgs("--gpus", "all"),
            _ => throw new ArgumentOutOfRangeException(nameof(vendor), vendor, "Expected Nvidia or Amd."),
        };
    }

    /// <summary>
    /// Declares a model the server must have. It is pulled once the server is healthy, shows its download progress as
    /// its state and is healthy only when the server lists it, so <c>WaitFor(model)</c> waits for the download.
    /// </summary>
    /// <param name="builder">The Ollama server.</param>
    /// <param name="modelName">The model as Ollama names it, e.g. <c>qwen2.5-coder:7b</c>.</param>
    /// <param name="name">The resource name; derived from the server and model names when null.</param>
    /// <typeparam name="T">The server's type, container or process.</typeparam>
    /// <returns>The model's builder; <c>WaitFor</c> it to wait for the download.</returns>
    public static IResourceBuilder<OllamaModelResource> AddModel<T>(this IResourceBuilder<T> builder, string modelName, [ResourceName] string? name = null)
        where T : class, IOllamaServerResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        var app = builder.ApplicationBuilder;
        var model = new OllamaModelResource(name ?? OllamaModelNames.ToResourceName(builder.Resource.Name, modelName), modelName, builder.Resource);

        var healthCheckKey = $"{model.Name}-present";
        app.Services.AddHttpClient();
        app.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            sp => new OllamaModelHealthCheck(model, sp.GetRequiredService<IHttpClientFactory>()),
            failureStatus: null,
            tags: null));

        return app.AddResource(model)
            .WithParentRelationship(builder)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = ModelResourceType,
                State = KnownResourceStates.NotStarted,
                Properties = [new(CustomResourceKnownProperties.Source, modelName)],
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest()
            .WithCommand(
                PullCommandName,
                "Pull again",
                context => PullAgainAsync(model, context),
                new CommandOptions
                {
                    Description = "Pull the model again, e.g. to get a newer build of the same tag.",
                    IconName = "ArrowDownload",
                    UpdateState = context => context.ResourceSnapshot.State?.Text == KnownResourceStates.Running
                        || context.ResourceSnapshot.State?.Text == KnownResourceStates.FailedToStart
                        ? ResourceCommandState.Enabled
                        : ResourceCommandState.Disabled,
                })
            .OnInitializeResource(static async (model, e, ct) =>
            {
                var fit = CreateFitMonitor(model, e.Services, e.Logger);
                var puller = new OllamaModelPuller(
                    model,
                    e.Notifications,
                    e.Logger,
                    e.Services.GetRequiredService<IHttpClientFactory>(),
                    e.Services.GetService<TimeProvider>() ?? TimeProvider.System,
                    fit);
                if (await puller.RunAsync(ct).ConfigureAwait(false))
                {
                    await fit.WatchLoadsAsync(ct).ConfigureAwait(false);
                }
            });
    }

    /// <summary>
    /// The context window <paramref name="builder"/>'s model is served with, the ceiling of the proxy's <c>num_ctx</c>:
    /// a number of tokens, or <c>auto</c>, the model-fit advisor's choice for this machine's GPU (never less than Cursor
    /// needs). <see langword="null"/> leaves the model's own context length.
    /// </summary>
    /// <param name="builder">The model.</param>
    /// <param name="window">The window, e.g. <c>Ollama:Models:0:ContextLength</c>, else <c>Ollama:ContextLength</c>.</param>
    /// <returns>The model's builder.</returns>
    public static IResourceBuilder<OllamaModelResource> WithContextWindow(this IResourceBuilder<OllamaModelResource> builder, OllamaContextWindow? window)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.ContextWindow = window;
        return builder;
    }

    private static OllamaModelFitMonitor CreateFitMonitor(OllamaModelResource model, IServiceProvider services, Microsoft.Extensions.Logging.ILogger logger) => new(
        model,
        services.GetRequiredService<ResourceNotificationService>(),
        logger,
        services.GetRequiredService<IHttpClientFactory>(),
        services.GetService<TimeProvider>() ?? TimeProvider.System);

    private static async Task<ExecuteCommandResult> PullAgainAsync(OllamaModelResource model, ExecuteCommandContext context)
    {
        var services = context.Services;
        var logger = services.GetRequiredService<ResourceLoggerService>().GetLogger(model);
        var puller = new OllamaModelPuller(
            model,
            services.GetRequiredService<ResourceNotificationService>(),
            logger,
            services.GetRequiredService<IHttpClientFactory>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            CreateFitMonitor(model, services, logger));
        return await puller.RunAsync(context.CancellationToken, force: true).ConfigureAwait(false)
            ? CommandResults.Success()
            : CommandResults.Failure($"Could not pull {model.ModelName}; the model's log says why.");
    }
}

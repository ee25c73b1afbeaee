using System.Net;
using System.Net.Sockets;
using CursorAspire.AppHost.Cache;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

/// <summary>Adds a Redis-protocol cache that can run with or without a container runtime.</summary>
public static class CacheResourceBuilderExtensions
{
    /// <summary>
    /// Adds the cache the way <paramref name="configure"/> says (<see cref="CacheOptions"/>): a Redis container with a
    /// data volume; else <c>redis-server</c>; else an embedded Garnet server (the default). Published, always the container
    /// or an existing Redis (<see cref="PublishedCacheBuilderExtensions.AddPublishedCache"/>). Each requires the same
    /// password, the secret parameter <c>{name}-password</c> (generated on first run and kept in user secrets, as Aspire's
    /// Redis does), and has a <c>host:port,password=…</c> connection string, so <c>WithReference(cache)</c> works the
    /// same in every mode. Each keeps its data across restarts and is held to <c>Cache:MaxMemory</c>
    /// (<see cref="CacheOptions.MaxMemory"/>); the processes keep theirs in <c>Cache:DataPath</c>, by default a folder of
    /// this AppHost under the user's profile (<see cref="CacheDataFolder"/>).
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="configure">Chooses the server: a container, or the <c>redis-server</c> found on this machine.</param>
    /// <returns>The cache's builder, whichever server it is.</returns>
    public static IResourceBuilder<IResourceWithConnectionString> AddCache(this IDistributedApplicationBuilder builder, [ResourceName] string name, Action<CacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new CacheOptions
        {
            DataPath = builder.Configuration["Cache:DataPath"] is { Length: > 0 } dataPath ? dataPath : null,
        };
        configure?.Invoke(options);
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddPublishedCache(name, options);
        }

        if (options.UseContainer)
        {
            // Plain TCP between local processes, as in the other modes: with TLS, Aspire's Redis needs a trusted development
            // certificate, and a machine without one gets the dashboard's "No trusted development certificate" banner.
#pragma warning disable ASPIRECERTIFICATES001 // Experimental; the documented way to turn a resource's certificate set-up off.
            return builder.AddRedis(name).WithDataVolume().WithoutHttpsCertificate()
                .WithRedisServerFlags("--appendonly", "yes", "--appendfsync", "everysec",
                    "--maxmemory", options.MaxMemory, "--maxmemory-policy", PublishedCacheBuilderExtensions.MaxMemoryPolicy);
#pragma warning restore ASPIRECERTIFICATES001
        }

        var data = options.DataPath ?? CacheDataFolder.For(builder.AppHostDirectory, name);
        return options.RedisServerPath is { } redisServer
            ? builder.AddRedisServer(name, redisServer, dataPath: data, maxMemory: options.MaxMemory)
            : builder.AddGarnet(name, dataPath: data, maxMemory: options.MaxMemory);
    }

    /// <summary>
    /// Adds <c>redis-server</c> as a local process on an allocated loopback port, that requires a password and is healthy
    /// once it answers an authenticated PING. The password reaches it in a configuration file private to this user,
    /// never on its command line. It keeps its data in an append-only file in <paramref name="dataPath"/> (fsync every
    /// second, no snapshots), so a restart forgets nothing, and holds it to <paramref name="maxMemory"/>, evicting only
    /// keys with a TTL, least recently used first (<c>volatile-lru</c>).
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name; also the connection string name.</param>
    /// <param name="command">The <c>redis-server</c> executable, a name or a full path.</param>
    /// <param name="password">The password's secret parameter; <c>{name}-password</c>, generated and kept in user secrets, when null.</param>
    /// <param name="dataPath">Its data folder, created (private to this user) when it starts; by default this AppHost's under the user's profile.</param>
    /// <param name="maxMemory">Its <c>maxmemory</c>, e.g. <c>512mb</c>.</param>
    /// <returns>The process's builder.</returns>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string command = "redis-server", IResourceBuilder<ParameterResource>? password = null,
        string? dataPath = null, string maxMemory = CacheOptions.DefaultMaxMemory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var resource = new RedisServerResource(name, command, builder.AppHostDirectory, PasswordParameter(builder, name, password))
        {
            DataPath = dataPath ?? CacheDataFolder.For(builder.AppHostDirectory, name),
        };
        var configFile = resource.ConfigFile;
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, async (e, ct) =>
        {
            CacheDataFolder.Create(resource.DataPath);
            await configFile.WriteAsync(await resource.PasswordParameter.GetValueAsync(ct).ConfigureAwait(false) ?? "", ct).ConfigureAwait(false);
        });
        builder.Eventing.Subscribe<ResourceReadyEvent>(resource, (_, _) =>
        {
            configFile.DeleteFile(); // it has answered an authenticated PING: the password is in its memory
            return Task.CompletedTask;
        });
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(configFile.DeleteDirectory);
            return Task.CompletedTask;
        });

        return builder.AddResource(resource)
            .WithEndpoint(name: RedisServerResource.PrimaryEndpointName, scheme: "tcp")
            .WithArgs(
                configFile.Path,
                "--port", resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort),
                "--bind", "127.0.0.1",
                "--dir", resource.DataPath,
                "--save", "",
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--maxmemory", maxMemory,
                "--maxmemory-policy", PublishedCacheBuilderExtensions.MaxMemoryPolicy)
            .WithRedisPingHealthCheck()
            .ExcludeFromManifest();
    }

    /// <summary>
    /// Adds Microsoft Garnet, a Redis-compatible server, run inside the AppHost on a free loopback port with password
    /// authentication (<c>--auth Password</c>), healthy once it answers an authenticated PING and stopped with the AppHost.
    /// It keeps its data in <paramref name="dataPath"/> (checkpoints and an append-only log, recovered at start, a
    /// checkpoint at stop) and its memory within <paramref name="maxMemory"/> (<see cref="GarnetServerHost"/>).
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name; also the connection string name.</param>
    /// <param name="port">The port; a free one is chosen when null.</param>
    /// <param name="password">The password's secret parameter; <c>{name}-password</c>, generated and kept in user secrets, when null.</param>
    /// <param name="dataPath">Its data folder, created (private to this user) when it starts; by default this AppHost's under the user's profile.</param>
    /// <param name="maxMemory">The most memory its data may take in memory, e.g. <c>512mb</c>.</param>
    /// <returns>The in-process server's builder.</returns>
    public static IResourceBuilder<GarnetResource> AddGarnet(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, int? port = null, IResourceBuilder<ParameterResource>? password = null,
        string? dataPath = null, string maxMemory = CacheOptions.DefaultMaxMemory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var resource = new GarnetResource(name, port ?? FreeLoopbackPort(), PasswordParameter(builder, name, password))
        {
            DataPath = dataPath ?? CacheDataFolder.For(builder.AppHostDirectory, name),
            MaxMemory = maxMemory,
        };
        return builder.AddResource(resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Garnet",
                State = KnownResourceStates.NotStarted,
                Properties =
                [
                    new(CustomResourceKnownProperties.Source, $"embedded Garnet on {GarnetResource.Host}:{resource.Port}"),
                    new("cache.data", resource.DataPath) { DisplayName = "Data folder" },
                ],
            })
            .WithRedisPingHealthCheck()
            .ExcludeFromManifest()
            .OnInitializeResource(static async (garnet, e, ct) =>
            {
                var host = new GarnetServerHost(garnet, e.Notifications, e.Logger, e.Services.GetService<TimeProvider>() ?? TimeProvider.System);
                var server = await host.StartAsync(ct).ConfigureAwait(false);
                if (server is not null)
                {
                    // Stopping (not stopped): the checkpoint is taken while the proxy may still be writing its last counts.
                    e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(server.Dispose);
                }
            });
    }

    /// <summary>The given password parameter, else <c>{name}-password</c> generated the way Aspire's <c>AddRedis</c> does.</summary>
    private static ParameterResource PasswordParameter(IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource>? password) =>
        // No special characters: StackExchange.Redis cannot take a comma in a connection string's password.
        password?.Resource ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);

    private static IResourceBuilder<T> WithRedisPingHealthCheck<T>(this IResourceBuilder<T> builder)
        where T : IResourceWithConnectionString
    {
        var key = $"{builder.Resource.Name}-ping";
        var resource = builder.Resource;
        builder.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, _ => new RedisPingHealthCheck(resource), failureStatus: null, tags: null));
        return builder.WithHealthCheck(key);
    }

    private static int FreeLoopbackPort()
    {
        // Ask the OS for a free port, then release it for Garnet; the window for a clash is tiny.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

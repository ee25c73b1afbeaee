using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using CursorAspire.AppHost.Cache;
using CursorAspire.AppHost.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

/// <summary>Adds a Redis-protocol cache that can run with or without a container runtime.</summary>
public static class CacheResourceBuilderExtensions
{
    /// <summary>
    /// Adds the cache the way <paramref name="plan"/> says: a Redis container with a data volume; else
    /// <c>redis-server</c> from PATH; else an embedded Garnet server. Each has a <c>host:port</c> connection string,
    /// so <c>WithReference(cache)</c> works the same in every mode.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name; also the connection string name.</param>
    /// <param name="plan">Containers or processes, and the <c>redis-server</c> found on this machine.</param>
    /// <returns>The cache's builder, whichever server it is.</returns>
    public static IResourceBuilder<IResourceWithConnectionString> AddCache(this IDistributedApplicationBuilder builder, [ResourceName] string name, HostingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Mode == HostingMode.Containers)
        {
            return builder.AddRedis(name).WithDataVolume();
        }

        return plan.RedisServerPath is { } redisServer
            ? builder.AddRedisServer(name, redisServer)
            : builder.AddGarnet(name);
    }

    /// <summary>
    /// Adds <c>redis-server</c> as a local process on an allocated port, without persistence (<c>--save ""</c>),
    /// healthy once it answers PING.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name; also the connection string name.</param>
    /// <param name="command">The <c>redis-server</c> executable, a name or a full path.</param>
    /// <returns>The process's builder.</returns>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder, [ResourceName] string name, string command = "redis-server")
    {
        ArgumentNullException.ThrowIfNull(builder);
        var resource = new RedisServerResource(name, command, builder.AppHostDirectory);
        return builder.AddResource(resource)
            .WithEndpoint(name: RedisServerResource.PrimaryEndpointName, scheme: "tcp")
            .WithArgs(
                "--port", resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no")
            .WithRedisPingHealthCheck()
            .ExcludeFromManifest();
    }

    /// <summary>
    /// Adds Microsoft Garnet, a Redis-compatible server, run inside the AppHost on a free loopback port, healthy once it
    /// answers PING and stopped with the AppHost.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name; also the connection string name.</param>
    /// <param name="port">The port; a free one is chosen when null.</param>
    /// <returns>The in-process server's builder.</returns>
    public static IResourceBuilder<GarnetResource> AddGarnet(this IDistributedApplicationBuilder builder, [ResourceName] string name, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var resource = new GarnetResource(name, port ?? FreeLoopbackPort());
        return builder.AddResource(resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Garnet",
                State = KnownResourceStates.NotStarted,
                Properties = [new(CustomResourceKnownProperties.Source, $"embedded Garnet on {GarnetResource.Host}:{resource.Port}")],
            })
            .WithRedisPingHealthCheck()
            .ExcludeFromManifest()
            .OnInitializeResource(static async (garnet, e, ct) =>
            {
                var host = new GarnetServerHost(garnet, e.Notifications, e.Logger, e.Services.GetService<TimeProvider>() ?? TimeProvider.System);
                var server = await host.StartAsync().ConfigureAwait(false);
                if (server is not null)
                {
                    e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(server.Dispose);
                }
            });
    }

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

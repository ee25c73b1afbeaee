using CursorAspire.AppHost.Check;
using CursorAspire.CloudflaredStandIn;

namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>Where the stand-in executables are: Ollama's (<c>CursorAspire.TestUpstreams serve</c>) and cloudflared's.</summary>
internal static class StandIn
{
    /// <summary>The model the end-to-end runs have the Ollama stand-in serve.</summary>
    public const string Model = "qwen2.5-coder:7b";

    /// <summary>The name Cursor asks for <see cref="Model"/> by.</summary>
    public const string Alias = "local-qwen2.5-coder-7b";

    /// <summary>The stand-in's assembly, copied next to the tests by the project reference.</summary>
    public static string AssemblyPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "CursorAspire.TestUpstreams.dll");
            Assert.True(File.Exists(path), $"The Ollama stand-in is missing: {path} (tests/CursorAspire.TestUpstreams must build).");
            return path;
        }
    }

    /// <summary><c>dotnet</c> itself, to run the stand-in with.</summary>
    public static string Dotnet =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    /// <summary>The cloudflared stand-in, copied next to the tests by the project reference.</summary>
    public static string CloudflaredPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "CursorAspire.CloudflaredStandIn.exe" : "CursorAspire.CloudflaredStandIn");
            Assert.True(File.Exists(path), $"The cloudflared stand-in is missing: {path} (tests/CursorAspire.CloudflaredStandIn must build).");
            return path;
        }
    }

    /// <summary>The AppHost's command line for process mode, the Ollama stand-in serving <paramref name="model"/>, and a fixed key.</summary>
    public static string[] ProcessModeArgs(string model, string apiKey) =>
    [
        "--AppHost:ContainerRuntime=none",
        $"--Ollama:Command={Dotnet}",
        $"--Ollama:Args:0={AssemblyPath}",
        "--Ollama:Args:1=serve",
        $"--Ollama:Models:0={model}",
        $"--Parameters:proxy-api-key={apiKey}",
        $"--Parameters:check-secret={AppHostModel.TestCheckSecret}",
        TestCacheData.NewSetting(),
    ];

    /// <summary>
    /// Builds the real AppHost in process mode (<see cref="ProcessModeArgs"/> for <see cref="Model"/>, the fixed test
    /// cache password, then <paramref name="args"/>) and returns it with the Ollama stand-in's resource, whose environment
    /// scripts the stand-in.
    /// </summary>
    public static async Task<(IDistributedApplicationTestingBuilder Builder, IResourceBuilder<OllamaExecutableResource> Ollama)> CreateAppHostAsync(
        string apiKey, string[] args, CancellationToken ct)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CursorAspire_AppHost>(
            [.. ProcessModeArgs(Model, apiKey), $"--Parameters:cache-password={AppHostModel.TestCachePassword}", .. args], ct);
        return (builder, builder.CreateResourceBuilder(Assert.Single(builder.Resources.OfType<OllamaExecutableResource>())));
    }

    /// <summary>A loopback port free right now.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Runs the AppHost's tunnel as the cloudflared stand-in with its loopback edge on <paramref name="edgePort"/>, and
    /// does for the tunnel's health check, its watchdog and Check as Cursor what DNS and Cloudflare's edge do for the
    /// real hostname: deliver it to that edge. Returns the tunnel.
    /// </summary>
    public static ICloudflareTunnelResource RouteTunnelThroughEdge(IDistributedApplicationTestingBuilder builder, int edgePort)
    {
        var tunnel = Assert.Single(builder.Resources.OfType<ICloudflareTunnelResource>());
        builder.CreateResourceBuilder(tunnel).WithEnvironment("CLOUDFLARED_STANDIN_PORT", edgePort.ToString(CultureInfo.InvariantCulture));
        builder.Services.AddHttpClient(CloudflareTunnelResourceBuilderExtensions.HealthCheckHttpClientName).AddHttpMessageHandler(() => new EdgeRedirectHandler(edgePort));
        builder.Services.AddHttpClient(CursorCheckPublisher.HttpClientName).AddHttpMessageHandler(() => new EdgeRedirectHandler(edgePort));
        return tunnel;
    }
}

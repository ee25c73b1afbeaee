using CursorAspire.AppHost.Ollama;
using CursorAspire.TestUpstreams;

namespace CursorAspire.AppHost.Tests.EndToEnd;

/// <summary>
/// The real AppHost in process mode: the cache is redis-server if on PATH else embedded Garnet, both with a password,
/// Ollama is the stand-in executable (<c>dotnet CursorAspire.TestUpstreams.dll serve</c>) and the proxy is the real
/// project. Started once for all end-to-end tests; the model starts missing, so it is downloaded. No tunnel runs: this
/// machine has no cloudflared and the tests download nothing (<c>CloudflareTunnel:AutoInstall=false</c>).
/// </summary>
public sealed class ProcessModeAppFixture : IAsyncLifetime, IDisposable
{
    public const string ApiKey = "e2e-key-0123456789abcdefghijklmnopqrstuv";

    /// <summary>The cache's password (<c>Parameters:cache-password</c>), fixed so nothing is written to user secrets.</summary>
    public const string CachePassword = "e2eCachePassword0123456789";
    public const string ModelName = "qwen2.5-coder:7b";
    public const string Alias = "local-qwen2.5-coder-7b";

    /// <summary>The reply the stand-in is asked to give (exe mode reads it from <c>STANDIN_REPLY</c>).</summary>
    public const string ScriptedToolName = "read_file";

    /// <summary>
    /// The GPU nvidia-smi's stand-in tells (an RTX 4090 with 10,500 MiB free), which the Ollama stand-in has too: the
    /// advisor gives Qwen2.5-Coder 7B, trained here for 64K, a 48K window.
    /// </summary>
    public const int GpuFreeMiB = 10_500;

    /// <summary>The window the advisor chooses for the model on that GPU.</summary>
    public const int AdvisedWindow = 48 * 1024;

    private readonly GpuProbeStandIns _gpuPrograms = new();

    public DistributedApplication App { get; private set; } = null!;

    public ResourceStates ModelStates { get; private set; } = null!;

    public ResourceStates ProxyStates { get; private set; } = null!;

    public string ModelResourceName { get; } = OllamaModelNames.ToResourceName("ollama", ModelName);

    /// <summary>Lines the proxy resource logged so far (its own output plus what the AppHost logged on its behalf).</summary>
    public async Task<List<string>> ProxyLogAsync()
    {
        var lines = new List<string>();
        await foreach (var batch in Logs.GetAllAsync(Proxy))
        {
            lines.AddRange(batch.Select(l => l.Content));
        }

        return lines;
    }

    /// <summary>
    /// Follows the proxy's log until a line matches; returns without one when <paramref name="cancellationToken"/> ends
    /// the wait, so the caller's assertions report what the log held.
    /// </summary>
    public async Task WaitForProxyLogLineAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in Logs.WatchAsync(Proxy).WithCancellation(cancellationToken))
            {
                if (batch.Any(l => match(l.Content)))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private ResourceLoggerService Logs => App.Services.GetRequiredService<ResourceLoggerService>();

    private IResource Proxy => Assert.Single(App.Services.GetRequiredService<DistributedApplicationModel>().Resources, r => r.Name == "proxy");

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CursorAspire_AppHost>(
            [
                .. StandIn.ProcessModeArgs(ModelName, ApiKey), $"--Parameters:cache-password={CachePassword}", "--CloudflareTunnel:AutoInstall=false",
                $"--Ollama:GpuProbes:NvidiaSmi={_gpuPrograms.NvidiaSmi(("NVIDIA GeForce RTX 4090", 24_564, GpuFreeMiB))}", "--Ollama:GpuProbes:RocmSmi=", "--Ollama:GpuProbes:Sysctl=",
            ],
            cts.Token);

        var ollama = Assert.Single(builder.Resources.OfType<OllamaExecutableResource>());
        builder.CreateResourceBuilder(ollama)
            .WithEnvironment("STANDIN_PULL_STEP_MS", "100")
            .WithEnvironment("STANDIN_CONTEXT_LENGTH", "65536")
            .WithEnvironment("STANDIN_GPU_MB", GpuFreeMiB.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("STANDIN_MODEL_INFO", JsonSerializer.Serialize(OllamaModelInfo.Qwen25Coder7B))
            .WithEnvironment("STANDIN_REPLY", JsonSerializer.Serialize(new
            {
                ToolCalls = new[] { new { Name = ScriptedToolName, ArgumentsJson = """{"target_file":"src/app.cs"}""" } },
            }));

        App = await builder.BuildAsync(cts.Token);
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        ModelStates = new ResourceStates(notifications, ModelResourceName);
        ProxyStates = new ResourceStates(notifications, "proxy");
        await App.StartAsync(cts.Token);
        try
        {
            await notifications.WaitForResourceHealthyAsync("proxy", cts.Token);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"The proxy did not become healthy ({ex.Message}). Model states: {string.Join(" → ", ModelStates.Seen)}. " +
                $"Proxy states: {string.Join(" → ", ProxyStates.Seen)}. Proxy log tail:\n{string.Join('\n', (await ProxyLogAsync()).TakeLast(30))}",
                ex);
        }
    }

    /// <summary>An HttpClient on the proxy's http endpoint.</summary>
    public HttpClient CreateProxyClient()
    {
        var client = App.CreateHttpClient("proxy", "http");
        client.Timeout = TimeSpan.FromSeconds(60);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await ModelStates.DisposeAsync();
            await ProxyStates.DisposeAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await App.StopAsync(cts.Token);
            await App.DisposeAsync();
        }
    }

    /// <summary>After <see cref="DisposeAsync"/> (xUnit calls both): the GPU probe stand-ins outlive the app that ran them.</summary>
    public void Dispose() => _gpuPrograms.Dispose();
}

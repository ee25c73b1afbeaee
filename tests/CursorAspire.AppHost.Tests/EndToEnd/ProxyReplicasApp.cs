using CursorAspire.TestUpstreams;

namespace CursorAspire.AppHost.Tests.EndToEnd;

/// <summary>
/// The real AppHost with <c>AppHost:ProxyReplicas=2</c>: two proxy processes behind the AppHost's one endpoint, sharing
/// the AppHost's cache (redis-server, else embedded Garnet). Their upstream is an OpenAI stand-in in this test process
/// (given to the proxies as <c>Proxy:*</c> settings, as a user would), so every upstream call is counted and scripted
/// here. Each replica is also reachable at its own address, so a test chooses which one a request meets.
/// </summary>
public sealed class ProxyReplicasApp : IAsyncDisposable
{
    /// <summary>The AppHost's own key (<c>proxy-api-key</c>), under the global limits.</summary>
    public const string Key = "replicas-key-0123456789abcdefghijklmnopq";

    /// <summary>A named key limited to <see cref="LimitedPerMinute"/> requests a minute.</summary>
    public const string LimitedKey = "replicas-limited-0123456789abcdefghijk";

    /// <summary>The per-minute limit of <see cref="LimitedKey"/>.</summary>
    public const int LimitedPerMinute = 4;

    /// <summary>A named key with a daily budget of <see cref="BudgetTokensPerDay"/> tokens.</summary>
    public const string BudgetKey = "replicas-budget-0123456789abcdefghijkl";

    /// <summary>The daily token budget of <see cref="BudgetKey"/>; the stand-in reports 15 tokens a call.</summary>
    public const int BudgetTokensPerDay = 40;

    /// <summary>The model name clients send.</summary>
    public const string Alias = "team-model";

    private ProxyReplicasApp(OpenAIStandIn upstream, DistributedApplication app, IReadOnlyList<ProxyReplica> replicas)
    {
        Upstream = upstream;
        App = app;
        Replicas = replicas;
    }

    /// <summary>The upstream both replicas call.</summary>
    public OpenAIStandIn Upstream { get; }

    /// <summary>The running AppHost.</summary>
    public DistributedApplication App { get; }

    /// <summary>The two proxy processes, in the order their resource ids sort.</summary>
    public IReadOnlyList<ProxyReplica> Replicas { get; }

    /// <summary>Starts the AppHost with two proxies in front of a new OpenAI stand-in and waits until each answers its own health check.</summary>
    /// <param name="upstreamReply">What the stand-in answers when no reply is queued; its echo, reporting 15 tokens, when null.</param>
    /// <param name="configure">Changes the AppHost's model before it starts (e.g. the proxy's log levels).</param>
    /// <param name="args">More AppHost arguments (e.g. <c>--Proxy:…</c> settings).</param>
    public static async Task<ProxyReplicasApp> StartAsync(
        Func<RecordedRequest, StandInReply>? upstreamReply = null, Action<IDistributedApplicationTestingBuilder>? configure = null, params string[] args)
    {
        var upstream = await OpenAIStandIn.StartAsync(new OpenAIStandInOptions
        {
            ApiKey = "sk-standin",
            DefaultReply = upstreamReply ?? (request => StandInReply.EchoOf(request) with { Usage = new StandInUsage(10, 5) }),
            SimulatePromptCache = false,
        });
        DistributedApplication? app = null;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CursorAspire_AppHost>(
            [
                "--AppHost:ContainerRuntime=none",
                "--Ollama:Command=/nonexistent/ollama",
                "--CloudflareTunnel:AutoInstall=false",
                "--CloudflareTunnel:CloudflaredPath=/nonexistent/cloudflared",
                "--AppHost:ProxyReplicas=2",
                $"--Parameters:proxy-api-key={Key}",
                $"--Parameters:cache-password={AppHostModel.TestCachePassword}",
                $"--Parameters:check-secret={AppHostModel.TestCheckSecret}",
                TestCacheData.NewSetting(),
                "--Proxy:Providers:upstream:Kind=OpenAI",
                $"--Proxy:Providers:upstream:Endpoint={upstream.ApiBaseUri}",
                "--Proxy:Providers:upstream:ApiKey=sk-standin",
                $"--Proxy:Models:{Alias}:Provider=upstream",
                $"--Proxy:Models:{Alias}:Model=gpt-4o-mini",
                $"--Proxy:DefaultModel={Alias}",
                $"--Proxy:Keys:limited:Key={LimitedKey}",
                $"--Proxy:Keys:limited:RequestsPerMinute={LimitedPerMinute}",
                $"--Proxy:Keys:budget:Key={BudgetKey}",
                $"--Proxy:Keys:budget:TokensPerDay={BudgetTokensPerDay}",
                // About sharing, not latency: generous Redis timeouts keep a busy build machine (two proxies, the cache and
                // the orchestrator on two shared cores) from turning a slow answer into "Redis is down", where each replica
                // counts on its own. The latency bounds are the proxy tests' (RedisOutageTests, ResponseCacheOutageTests).
                "--Proxy:Storage:Timeout=00:00:05",
                "--Proxy:Cache:RedisTimeout=00:00:05",
                // Likewise a stream opens only at its first content (not half a second in, before the cache has said HIT
                // or MISS on a busy machine): x-cache tells what the cache did. The opening is the proxy tests' (SlowThinkerTests).
                "--Proxy:StreamOpenAfter=00:01:00",
                .. args,
            ], timeout.Token);
            configure?.Invoke(builder);
            app = await builder.BuildAsync(timeout.Token);
            var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
            var replicas = WatchReplicasAsync(notifications, timeout.Token);
            await app.StartAsync(timeout.Token);
            var started = await replicas;
            await Task.WhenAll(started.Select(r => r.WaitUntilItAnswersAsync(timeout.Token)));
            return new ProxyReplicasApp(upstream, app, started);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            await upstream.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client for the AppHost's one endpoint in front of both replicas, sending <paramref name="key"/>.</summary>
    public HttpClient EndpointClient(string key = Key) => WithKey(App.CreateHttpClient("proxy", "http"), key);

    /// <summary>A client for one replica's own address, sending <paramref name="key"/>.</summary>
    public HttpClient ReplicaClient(int replica, string key = Key) => WithKey(new HttpClient { BaseAddress = Replicas[replica].BaseUri }, key);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await App.StopAsync(timeout.Token);
        }
        finally
        {
            await App.DisposeAsync();
            await Upstream.DisposeAsync();
        }
    }

    private static HttpClient WithKey(HttpClient client, string key)
    {
        client.Timeout = TimeSpan.FromSeconds(60);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>The proxy's replicas as the orchestrator reports them, once both are healthy: their own address and process.</summary>
    private static async Task<IReadOnlyList<ProxyReplica>> WatchReplicasAsync(ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        var healthy = new Dictionary<string, ProxyReplica>();
        await foreach (var e in notifications.WatchAsync(cancellationToken))
        {
            if (e.Resource.Name != "proxy" || e.Snapshot.HealthStatus != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
            {
                continue;
            }

            var url = e.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value;
            var pid = e.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value;
            if (url is not null && pid is not null)
            {
                healthy[e.ResourceId] = new ProxyReplica(e.ResourceId, new Uri(url.Split(';')[0]), Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture));
            }

            if (healthy.Count == 2)
            {
                return [.. healthy.Values.OrderBy(r => r.Id, StringComparer.Ordinal)];
            }
        }

        throw new OperationCanceledException("The two proxy replicas did not both become healthy.");
    }
}

/// <summary>One proxy process of several.</summary>
/// <param name="Id">Its resource id (<c>proxy-xxxxxxxx</c>).</param>
/// <param name="BaseUri">Its own address, not the AppHost's shared endpoint.</param>
/// <param name="ProcessId">Its process.</param>
public sealed record ProxyReplica(string Id, Uri BaseUri, int ProcessId)
{
    /// <summary>
    /// Completes once this replica answers its own <c>/health</c>. The orchestrator's health is the resource's, checked
    /// through the shared endpoint, so it can say healthy while one replica is still starting.
    /// </summary>
    public async Task WaitUntilItAnswersAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("/health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // not listening yet, or not answering yet
            }

            await Task.Delay(100, cancellationToken); // polls the replica itself
        }
    }

    /// <summary>Kills the process at once, as a crash or an OOM kill would: nothing of it runs its shutdown.</summary>
    public void Kill()
    {
        using var process = Process.GetProcessById(ProcessId);
        process.Kill(entireProcessTree: true);
    }
}

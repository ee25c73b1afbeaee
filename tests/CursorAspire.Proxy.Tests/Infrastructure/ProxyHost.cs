using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>
/// The real proxy application (the same composition Program.cs runs) on Kestrel on a loopback port, configured
/// in memory. Requests go over real HTTP. Start it with a configuration in front of upstreams the test owns
/// (<see cref="StartAsync"/>), or let it start a stand-in of its own (<see cref="StartWithStandInAsync"/>).
/// </summary>
public sealed class ProxyHost : IAsyncDisposable
{
    public const string ApiKey = "test-key-6b1f0c2e9d8a4f7b";

    /// <summary>A second key, for what is scoped per key; valid where the configuration adds it (as <see cref="StartWithStandInAsync"/> does).</summary>
    public const string OtherApiKey = "test-key-3e5a7c9b1d2f4a6c";

    private readonly WebApplication _app;
    private readonly StandInServer? _upstream;

    private ProxyHost(WebApplication app, Uri baseUri, CapturedLogs logs, StandInServer? upstream)
    {
        _app = app;
        _upstream = upstream;
        BaseUri = baseUri;
        Logs = logs;
        Client = CreateClient();
    }

    /// <summary>The proxy's root, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The OpenAI base URL clients take: <c>{BaseUri}v1/</c>.</summary>
    public Uri ApiBaseUri => new(BaseUri, "v1/");

    /// <summary>The stand-in the host owns (<see cref="StartWithStandInAsync"/>, <see cref="StartInFrontOfAsync"/>), disposed with it.</summary>
    public StandInServer Upstream => _upstream ?? throw new InvalidOperationException("This proxy was started without a stand-in of its own.");

    public CapturedLogs Logs { get; }

    /// <summary>A client that sends the valid key.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public HttpClient CreateClient(string? apiKey = ApiKey)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        return client;
    }

    /// <summary>
    /// <c>GET v1/models</c> with <paramref name="apiKey"/> (none when null) as a caller at <paramref name="clientAddress"/>
    /// behind the tunnel would send it (Cloudflare's <c>CF-Connecting-IP</c>, trusted from loopback when the proxy is
    /// told cloudflared is in front: <c>Proxy:ForwardedHeaders:Cloudflared=true</c>), or with another header.
    /// </summary>
    public async Task<HttpResponseMessage> GetModelsFromAsync(string? apiKey, string clientAddress, string header = "CF-Connecting-IP")
    {
        using var client = CreateClient(apiKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        request.Headers.Add(header, clientAddress);
        return await client.SendAsync(request);
    }

    /// <summary>
    /// What every test proxy has unless its configuration says otherwise. <c>Proxy:StreamOpenAfter</c> is a minute, not
    /// half a second: a test of what status a failure gets must not depend on the real clock (on a busy machine an attempt,
    /// a retry's delay and another attempt take longer than half a second, and the stream would open first). The tests
    /// of the opening itself set it. <c>Proxy:Storage:Timeout</c> is two seconds, not 250 ms, for the same reason: on a
    /// loaded machine a live Garnet can take longer than 250 ms to answer, and a test of a stored conversation would get
    /// 503 <c>conversation_store_unavailable</c>. A dead Redis still fails at once (the connection fails fast), and the
    /// tests of a slow store set their own.
    /// </summary>
    private static readonly Dictionary<string, string?> TestDefaults = new()
    {
        ["Proxy:StreamOpenAfter"] = "00:01:00",
        ["Proxy:Storage:Timeout"] = "00:00:02",
    };

    /// <summary>Configuration routing alias <c>local</c> (the default) and provider <c>ollama</c> to an Ollama stand-in.</summary>
    public static Dictionary<string, string?> OllamaConfig(Uri ollama, string upstreamModel = "qwen2.5-coder:7b") =>
        OneRouteConfig("local", "ollama", "Ollama", ollama, upstreamApiKey: null, upstreamModel);

    /// <summary>Configuration routing alias <c>remote</c> (the default) and provider <c>openai</c> to an OpenAI stand-in.</summary>
    public static Dictionary<string, string?> OpenAIConfig(Uri apiBase, string upstreamModel = "gpt-4o-mini") =>
        OneRouteConfig("remote", "openai", "OpenAI", apiBase, "upstream-secret", upstreamModel);

    /// <summary>
    /// Configuration routing alias <c>anthropic-sonnet</c> (the default) and provider <c>anthropic</c> to an Anthropic
    /// stand-in (its root address: the SDK adds <c>/v1/messages</c>).
    /// </summary>
    public static Dictionary<string, string?> AnthropicConfig(Uri baseUri, string upstreamModel = "claude-sonnet-4-5") =>
        OneRouteConfig("anthropic-sonnet", "anthropic", "Anthropic", baseUri, "upstream-anthropic-secret", upstreamModel);

    /// <summary>
    /// Starts an OpenAI stand-in (an Ollama one with <paramref name="ollama"/>) and the proxy in front of it
    /// (<see cref="OpenAIConfig"/> or <see cref="OllamaConfig"/>, with <see cref="OtherApiKey"/> too); the host owns the stand-in.
    /// </summary>
    /// <param name="ollama">Put an Ollama stand-in (NDJSON) upstream instead of an OpenAI one (SSE).</param>
    /// <param name="redis">Redis as the proxy's store (<c>ConnectionStrings:cache</c>); null keeps process memory.</param>
    /// <param name="settings">Further configuration, e.g. <c>Proxy:ReasoningOutput</c>.</param>
    public static async Task<ProxyHost> StartWithStandInAsync(bool ollama = false, string? redis = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        StandInServer upstream = ollama ? await OllamaStandIn.StartAsync() : await OpenAIStandIn.StartAsync();
        var configuration = upstream is OpenAIStandIn openai ? OpenAIConfig(openai.ApiBaseUri) : OllamaConfig(upstream.BaseUri);
        configuration["Proxy:ApiKeys:1"] = OtherApiKey;
        if (redis is not null)
        {
            configuration["ConnectionStrings:cache"] = redis;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        return await StartInFrontOfAsync(upstream, configuration);
    }

    /// <summary>
    /// Starts the proxy with <paramref name="configuration"/> in front of <paramref name="upstream"/>, which the host then
    /// owns (<see cref="Upstream"/>): disposed with it, or at once when the proxy fails to start.
    /// </summary>
    public static async Task<ProxyHost> StartInFrontOfAsync(StandInServer upstream, IDictionary<string, string?> configuration)
    {
        try
        {
            return await LaunchAsync(configuration, configure: null, upstream);
        }
        catch
        {
            // A proxy that failed to start (a validation test) must not leak its upstream.
            await upstream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the proxy with <paramref name="configuration"/>, e.g. one of the configurations above, changed as the test needs.</summary>
    /// <param name="configuration">The proxy's configuration.</param>
    /// <param name="configure">Changes to the builder (services, logging) before the proxy's own registrations.</param>
    /// <param name="mapMore">Endpoints a test adds to the built application, as a later feature would.</param>
    public static Task<ProxyHost> StartAsync(IDictionary<string, string?> configuration, Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? mapMore = null) =>
        LaunchAsync(configuration, configure, upstream: null, mapMore);

    private static async Task<ProxyHost> LaunchAsync(IDictionary<string, string?> configuration, Action<WebApplicationBuilder>? configure, StandInServer? upstream, Action<WebApplication>? mapMore = null)
    {
        var logs = new CapturedLogs();
        var app = ProxyApplication.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(TestDefaults);
            builder.Configuration.AddInMemoryCollection(configuration);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
            configure?.Invoke(builder);
        });
        mapMore?.Invoke(app);
        try
        {
            await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            // A proxy that failed to start (a validation test) must not leak itself.
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ProxyHost(app, new Uri(address.Replace("0.0.0.0", "127.0.0.1") + "/"), logs, upstream);
    }

    /// <summary>Stops the proxy the way SIGTERM does: no new connections, in-flight requests drain.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5))) { await _app.StopAsync(stop.Token); }
        await _app.DisposeAsync();
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    /// <summary>
    /// The test key, one provider (<paramref name="provider"/> of <paramref name="kind"/> at <paramref name="endpoint"/>,
    /// with <paramref name="upstreamApiKey"/> when it takes one) and one alias on it, the default model.
    /// </summary>
    private static Dictionary<string, string?> OneRouteConfig(
        string alias, string provider, string kind, Uri endpoint, string? upstreamApiKey, string upstreamModel)
    {
        var config = new Dictionary<string, string?>
        {
            ["Proxy:ApiKeys:0"] = ApiKey,
            ["Proxy:DefaultModel"] = alias,
            [$"Proxy:Providers:{provider}:Kind"] = kind,
            [$"Proxy:Providers:{provider}:Endpoint"] = endpoint.ToString(),
            [$"Proxy:Models:{alias}:Provider"] = provider,
            [$"Proxy:Models:{alias}:Model"] = upstreamModel,
        };
        if (upstreamApiKey is not null)
        {
            config[$"Proxy:Providers:{provider}:ApiKey"] = upstreamApiKey;
        }

        return config;
    }
}

using System.Net.Http.Headers;
using CursorAspire.TestUpstreams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CursorAspire.Proxy.Tests.Responses;

/// <summary>
/// The real proxy on a loopback port in front of an OpenAI stand-in, optionally with Redis (embedded Garnet) as its
/// cache store. Two API keys, so conversation scoping can be tested.
/// </summary>
public sealed class ProxyUnderTest : IAsyncDisposable
{
    public const string KeyA = "sk-proxy-key-a";
    public const string KeyB = "sk-proxy-key-b";
    public const string Alias = "local-coder";

    private readonly WebApplication _app;

    private ProxyUnderTest(WebApplication app, StandInServer upstream, Uri baseUri)
    {
        _app = app;
        Upstream = upstream;
        BaseUri = baseUri;
    }

    /// <summary>The OpenAI stand-in, or the Ollama one when started with <c>ollama: true</c>.</summary>
    public StandInServer Upstream { get; }

    /// <summary>The proxy's root, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The OpenAI base URL clients take: <c>{BaseUri}v1/</c>.</summary>
    public Uri ApiBaseUri => new(BaseUri, "v1/");

    /// <param name="redisConnectionString">Redis for the cache store; null keeps the in-memory store.</param>
    /// <param name="ollama">Put an Ollama stand-in (NDJSON) upstream instead of an OpenAI one (SSE).</param>
    /// <param name="settings">Further configuration, e.g. <c>Proxy:ReasoningOutput</c>.</param>
    /// <param name="cancellationToken">Bounds the start.</param>
    public static async Task<ProxyUnderTest> StartAsync(
        string? redisConnectionString = null,
        bool ollama = false,
        IReadOnlyDictionary<string, string?>? settings = null,
        CancellationToken cancellationToken = default)
    {
        StandInServer upstream = ollama
            ? await OllamaStandIn.StartAsync(cancellationToken: cancellationToken)
            : await OpenAIStandIn.StartAsync(cancellationToken: cancellationToken);
        var configuration = new Dictionary<string, string?>
        {
            ["Proxy:ApiKeys:0"] = KeyA,
            ["Proxy:ApiKeys:1"] = KeyB,
            ["Proxy:Providers:upstream:Kind"] = ollama ? "Ollama" : "OpenAI",
            ["Proxy:Providers:upstream:Endpoint"] = upstream is OpenAIStandIn openai ? openai.ApiBaseUri.ToString() : upstream.BaseUri.ToString(),
            [$"Proxy:Models:{Alias}:Provider"] = "upstream",
            [$"Proxy:Models:{Alias}:Model"] = "gpt-4o-mini",
            ["Proxy:DefaultModel"] = Alias,
            ["Proxy:UpstreamFirstByteTimeout"] = "00:00:10",
        };
        if (redisConnectionString is not null)
        {
            configuration["ConnectionStrings:cache"] = redisConnectionString;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        WebApplication? app = null;
        try
        {
            app = ProxyApplication.Build([], builder =>
            {
                builder.Configuration.AddInMemoryCollection(configuration);
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
            });
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new ProxyUnderTest(app, upstream, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            // A proxy that failed to start (a validation test) must not leak itself or its upstream.
            if (app is not null)
            {
                await app.DisposeAsync();
            }
            await upstream.DisposeAsync();
            throw;
        }
    }

    /// <summary>An HTTP client for the proxy with <paramref name="apiKey"/> as its bearer token.</summary>
    public HttpClient Http(string apiKey = KeyA)
    {
        var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(deadline.Token);
        await _app.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}

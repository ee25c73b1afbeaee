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

    private ProxyUnderTest(WebApplication app, OpenAIStandIn upstream, Uri baseUri)
    {
        _app = app;
        Upstream = upstream;
        BaseUri = baseUri;
    }

    public OpenAIStandIn Upstream { get; }

    /// <summary>The proxy's root, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The OpenAI base URL clients take: <c>{BaseUri}v1/</c>.</summary>
    public Uri ApiBaseUri => new(BaseUri, "v1/");

    public static async Task<ProxyUnderTest> StartAsync(string? redisConnectionString = null, CancellationToken cancellationToken = default)
    {
        var upstream = await OpenAIStandIn.StartAsync(cancellationToken: cancellationToken);
        var settings = new Dictionary<string, string?>
        {
            ["Proxy:ApiKeys:0"] = KeyA,
            ["Proxy:ApiKeys:1"] = KeyB,
            ["Proxy:Providers:upstream:Kind"] = "OpenAI",
            ["Proxy:Providers:upstream:Endpoint"] = upstream.ApiBaseUri.ToString(),
            [$"Proxy:Models:{Alias}:Provider"] = "upstream",
            [$"Proxy:Models:{Alias}:Model"] = "gpt-4o-mini",
            ["Proxy:DefaultModel"] = Alias,
            ["Proxy:UpstreamFirstByteTimeout"] = "00:00:10",
        };
        if (redisConnectionString is not null)
        {
            settings["ConnectionStrings:cache"] = redisConnectionString;
        }
        var app = ProxyApplication.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ProxyUnderTest(app, upstream, new Uri(address.TrimEnd('/') + "/"));
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

using CursorAspire.Proxy.Tests.Infrastructure;
using CursorAspire.TestUpstreams;

namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>
/// A <see cref="ProxyHost"/> in front of an OpenAI stand-in (or an Ollama one), optionally with Redis (embedded
/// Garnet) as its store. Two API keys, so conversation scoping can be tested.
/// </summary>
public sealed class ProxyUnderTest : IAsyncDisposable
{
    public const string KeyA = "sk-proxy-key-a";
    public const string KeyB = "sk-proxy-key-b";
    public const string Alias = "local-coder";

    private readonly ProxyHost _proxy;

    private ProxyUnderTest(ProxyHost proxy, StandInServer upstream)
    {
        _proxy = proxy;
        Upstream = upstream;
    }

    /// <summary>The OpenAI stand-in, or the Ollama one when started with <c>ollama: true</c>.</summary>
    public StandInServer Upstream { get; }

    /// <summary>The proxy's root, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUri => _proxy.BaseUri;

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
        try
        {
            return new ProxyUnderTest(await ProxyHost.StartAsync(configuration).WaitAsync(cancellationToken), upstream);
        }
        catch
        {
            // A proxy that failed to start (a validation test) must not leak its upstream.
            await upstream.DisposeAsync();
            throw;
        }
    }

    /// <summary>An HTTP client for the proxy with <paramref name="apiKey"/> as its bearer token.</summary>
    public HttpClient Http(string apiKey = KeyA) => _proxy.CreateClient(apiKey);

    public async ValueTask DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}

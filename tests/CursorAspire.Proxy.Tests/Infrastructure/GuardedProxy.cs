using CursorAspire.TestUpstreams;

namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>
/// A proxy with two aliases, <c>local</c> (an Ollama stand-in) and <c>remote</c> (an OpenAI stand-in), the unnamed key
/// <see cref="ProxyHost.ApiKey"/>, and the named key <c>limited</c> exactly as the acceptance configures it: only the
/// Ollama alias, 300 tokens a day.
/// </summary>
public sealed class GuardedProxy : IAsyncDisposable
{
    public const string LimitedKey = "sk-conformance-limited-key-0123456789abcdef";

    private GuardedProxy(OllamaStandIn ollama, OpenAIStandIn openai, ProxyHost proxy)
    {
        Ollama = ollama;
        OpenAI = openai;
        Proxy = proxy;
    }

    public OllamaStandIn Ollama { get; }

    public OpenAIStandIn OpenAI { get; }

    public ProxyHost Proxy { get; }

    /// <summary>A client sending the limited key.</summary>
    public HttpClient Limited() => Proxy.CreateClient(LimitedKey);

    public static async Task<GuardedProxy> StartAsync(IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? mapMore = null)
    {
        var ollama = await OllamaStandIn.StartAsync();
        var openai = await OpenAIStandIn.StartAsync();
        var config = ProxyHost.OllamaConfig(ollama.BaseUri);
        foreach (var (key, value) in ProxyHost.OpenAIConfig(openai.ApiBaseUri))
        {
            if (key != "Proxy:DefaultModel")
            {
                config[key] = value;
            }
        }
        config["Proxy:DefaultModel"] = "remote";
        config["Proxy:Keys:limited:Key"] = LimitedKey;
        config["Proxy:Keys:limited:Models:0"] = "local";
        config["Proxy:Keys:limited:TokensPerDay"] = "300";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }
        try
        {
            return new GuardedProxy(ollama, openai, await ProxyHost.StartAsync(config, configure, mapMore));
        }
        catch
        {
            await ollama.DisposeAsync();
            await openai.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Ollama.DisposeAsync();
        await OpenAI.DisposeAsync();
    }
}

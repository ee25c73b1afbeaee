namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>
/// The proxy with the aliases issue 20's acceptance names, each in front of its own stand-in, configured exactly so:
/// <c>local</c> → Ollama, <c>ant</c> → Anthropic, <c>antthink</c> → Anthropic with <c>Reasoning: true</c>, and
/// <c>oaieffort</c> → an OpenAI-compatible provider with <c>Model=o4-mini</c>, <c>Reasoning=true</c>,
/// <c>ReasoningEffort=low</c>. All four stand-ins and the proxy are disposed together.
/// </summary>
public sealed class CursorAliasesProxy(OllamaStandIn ollama, OpenAIStandIn openai, AnthropicStandIn anthropic, ProxyHost proxy) : IAsyncDisposable
{
    /// <summary>The upstream model of <c>ant</c> and <c>antthink</c> (extended thinking).</summary>
    public const string AnthropicModel = "claude-sonnet-4-5";

    /// <summary>The upstream model of <c>local</c>.</summary>
    public const string OllamaModel = "qwen2.5-coder:7b";

    public OllamaStandIn Ollama { get; } = ollama;

    public OpenAIStandIn OpenAI { get; } = openai;

    public AnthropicStandIn Anthropic { get; } = anthropic;

    public ProxyHost Proxy { get; } = proxy;

    /// <summary>The four aliases as the acceptance configures them, and the stand-ins they point at.</summary>
    public static Dictionary<string, string?> Configuration(Uri ollama, Uri openai, Uri anthropic) => new()
    {
        ["Proxy:ApiKeys:0"] = ProxyHost.ApiKey,
        ["Proxy:DefaultModel"] = "local",
        ["Proxy:Providers:ollama:Kind"] = "Ollama",
        ["Proxy:Providers:ollama:Endpoint"] = ollama.ToString(),
        ["Proxy:Providers:openai:Kind"] = "OpenAI",
        ["Proxy:Providers:openai:Endpoint"] = openai.ToString(),
        ["Proxy:Providers:openai:ApiKey"] = "sk-openai-upstream",
        ["Proxy:Providers:anthropic:Kind"] = "Anthropic",
        ["Proxy:Providers:anthropic:Endpoint"] = anthropic.ToString(),
        ["Proxy:Providers:anthropic:ApiKey"] = "sk-ant-upstream",
        ["Proxy:Models:local:Provider"] = "ollama",
        ["Proxy:Models:local:Model"] = OllamaModel,
        ["Proxy:Models:ant:Provider"] = "anthropic",
        ["Proxy:Models:ant:Model"] = AnthropicModel,
        ["Proxy:Models:antthink:Provider"] = "anthropic",
        ["Proxy:Models:antthink:Model"] = AnthropicModel,
        ["Proxy:Models:antthink:Reasoning"] = "true",
        ["Proxy:Models:oaieffort:Provider"] = "openai",
        ["Proxy:Models:oaieffort:Model"] = "o4-mini",
        ["Proxy:Models:oaieffort:Reasoning"] = "true",
        ["Proxy:Models:oaieffort:ReasoningEffort"] = "low",
    };

    /// <summary>Starts the stand-ins, then the proxy with <see cref="Configuration"/> and <paramref name="settings"/> on top.</summary>
    public static async Task<CursorAliasesProxy> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var ollama = await OllamaStandIn.StartAsync(new() { Models = [OllamaModel] });
        var openai = await OpenAIStandIn.StartAsync(new() { ApiKey = "sk-openai-upstream", Models = ["o4-mini"] });
        var anthropic = await AnthropicStandIn.StartAsync(new() { ApiKey = "sk-ant-upstream" });
        try
        {
            var configuration = Configuration(ollama.BaseUri, openai.ApiBaseUri, anthropic.BaseUri);
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                configuration[key] = value;
            }
            return new CursorAliasesProxy(ollama, openai, anthropic, await ProxyHost.StartAsync(configuration, configure));
        }
        catch
        {
            await ollama.DisposeAsync();
            await openai.DisposeAsync();
            await anthropic.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Ollama.DisposeAsync();
        await OpenAI.DisposeAsync();
        await Anthropic.DisposeAsync();
    }
}

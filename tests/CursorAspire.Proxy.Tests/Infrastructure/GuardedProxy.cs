namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>
/// A proxy with two aliases, <c>local</c> (an Ollama stand-in) and <c>remote</c> (an OpenAI stand-in), the unnamed key
/// <see cref="ProxyHost.ApiKey"/>, and the named key <c>limited</c> exactly as the acceptance configures it: only the
/// Ollama alias, 300 tokens a day.
/// </summary>
public sealed class GuardedProxy : TwoStandInProxy
{
    public const string LimitedKey = "sk-conformance-limited-key-0123456789abcdef";

    private GuardedProxy(OllamaStandIn ollama, OpenAIStandIn openai, ProxyHost proxy)
        : base(ollama, openai, proxy)
    {
    }

    /// <summary>A client sending the limited key.</summary>
    public HttpClient Limited() => Proxy.CreateClient(LimitedKey);

    public static Task<GuardedProxy> StartAsync(IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? mapMore = null) =>
        StartAsync((ollama, openai) =>
        {
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
            return config;
        }, (ollama, openai, proxy) => new GuardedProxy(ollama, openai, proxy), configure, mapMore);
}

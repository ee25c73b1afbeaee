namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>
/// A proxy with two aliases, <c>local</c> (an Ollama stand-in) and <c>remote</c> (an OpenAI stand-in), the unnamed key
/// <see cref="ProxyHost.ApiKey"/>, and the named keys exactly as the acceptance configures them: <c>limited</c> (only
/// the Ollama alias, 300 tokens a day), <c>budget</c> (1,000 tokens a day) and <c>marker</c> (400 tokens a day); and the
/// check secret (<c>Proxy:CheckSecret</c>) the AppHost would give it.
/// </summary>
public sealed class GuardedProxy : TwoStandInProxy
{
    public const string LimitedKey = "sk-conformance-limited-key-0123456789abcdef";

    /// <summary><c>Proxy:Keys:budget:Key</c>, 1,000 tokens a day.</summary>
    public const string BudgetKey = "sk-conformance-budget-key-abcdef0123456789";

    /// <summary><c>Proxy:Keys:marker:Key</c>, 400 tokens a day.</summary>
    public const string MarkerKey = "sk-conformance-marker-key-abcdef0123456789";

    /// <summary><c>Proxy:CheckSecret</c>: what proves a request is the Cursor check's.</summary>
    public const string CheckSecret = "test-check-secret-0123456789abcdef0123456789";

    private GuardedProxy(OllamaStandIn ollama, OpenAIStandIn openai, ProxyHost proxy)
        : base(ollama, openai, proxy)
    {
    }

    /// <summary>A client sending the limited key.</summary>
    public HttpClient Limited() => Proxy.CreateClient(LimitedKey);

    /// <param name="settings">Further configuration, which wins.</param>
    /// <param name="configure">Changes to the proxy's builder.</param>
    /// <param name="mapMore">Endpoints a test adds.</param>
    /// <param name="upstreamTime">The stand-ins' clock (a fake one holds delayed replies until advanced).</param>
    public static Task<GuardedProxy> StartAsync(IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? mapMore = null, TimeProvider? upstreamTime = null) =>
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
            config["Proxy:Keys:budget:Key"] = BudgetKey;
            config["Proxy:Keys:budget:TokensPerDay"] = "1000";
            config["Proxy:Keys:marker:Key"] = MarkerKey;
            config["Proxy:Keys:marker:TokensPerDay"] = "400";
            config["Proxy:CheckSecret"] = CheckSecret;
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                config[key] = value;
            }
            return config;
        }, (ollama, openai, proxy) => new GuardedProxy(ollama, openai, proxy), configure, mapMore, upstreamTime);
}

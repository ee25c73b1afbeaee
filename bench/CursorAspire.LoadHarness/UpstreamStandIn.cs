using CursorAspire.TestUpstreams;

namespace CursorAspire.LoadHarness;

/// <summary>
/// The upstream stand-in of one provider, answering every chat call with the reply the harness sets, and what the
/// proxy needs to route a model alias to it. Every path of a run (direct, bare hop, proxy, peer) ends here.
/// </summary>
public sealed class UpstreamStandIn : IAsyncDisposable
{
    private const string OllamaModel = "qwen2.5-coder:7b";
    private const string UpstreamApiKey = "upstream-key-not-checked";

    private readonly StandInServer _server;
    private readonly CurrentReply _reply;

    private UpstreamStandIn(UpstreamProvider provider, StandInServer server, CurrentReply reply)
    {
        Provider = provider;
        _server = server;
        _reply = reply;
    }

    public UpstreamProvider Provider { get; }

    /// <summary>
    /// The stand-in's OpenAI-compatible <c>chat/completions</c>: where a Cursor body goes unchanged (Ollama serves that
    /// route too), so the direct path, the bare hop and the peer all send the same bytes to the same route.
    /// </summary>
    public Uri DirectChatUri => Provider == UpstreamProvider.Ollama
        ? new Uri(_server.BaseUri, "v1/chat/completions")
        : new Uri(((OpenAIStandIn)_server).ApiBaseUri, "chat/completions");

    /// <summary>The stand-in's root, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUri => _server.BaseUri;

    /// <summary>The model alias the proxy routes to this stand-in (<c>local</c> for Ollama, <c>remote</c> for OpenAI).</summary>
    public string Alias => Provider == UpstreamProvider.Ollama ? "local" : "remote";

    /// <summary>Chat calls the stand-in received (all paths).</summary>
    public int ChatCalls => _server.CallCount;

    /// <summary>The last chat call the stand-in received, as it recorded it.</summary>
    /// <exception cref="InvalidOperationException">It has received none.</exception>
    public RecordedRequest LastChatRequest => _server.Requests.LastOrDefault(r => r.IsChat)
        ?? throw new InvalidOperationException("The stand-in has received no chat call.");

    /// <summary>The reply every chat call gets from now on (the memory probe switches to a slow one for its streams).</summary>
    public StandInReply Reply
    {
        get => _reply.Value;
        set => _reply.Value = value;
    }

    /// <summary>
    /// The proxy's configuration routing <see cref="Alias"/> to this stand-in, with the API key
    /// <paramref name="proxyApiKey"/>, the response cache off and no per-key limits: the harness measures the data path.
    /// </summary>
    public Dictionary<string, string?> ProxyConfiguration(string proxyApiKey)
    {
        Dictionary<string, string?> config = Provider == UpstreamProvider.Ollama
            ? new()
            {
                ["Proxy:Providers:ollama:Kind"] = "Ollama",
                ["Proxy:Providers:ollama:Endpoint"] = _server.BaseUri.ToString(),
                ["Proxy:Models:local:Provider"] = "ollama",
                ["Proxy:Models:local:Model"] = OllamaModel,
            }
            : new()
            {
                ["Proxy:Providers:openai:Kind"] = "OpenAI",
                ["Proxy:Providers:openai:Endpoint"] = ((OpenAIStandIn)_server).ApiBaseUri.ToString(),
                ["Proxy:Providers:openai:ApiKey"] = UpstreamApiKey,
                ["Proxy:Models:remote:Provider"] = "openai",
                ["Proxy:Models:remote:Model"] = "gpt-4o-mini",
            };
        config["Proxy:ApiKeys:0"] = proxyApiKey;
        config["Proxy:DefaultModel"] = Alias;
        // Every prompt is unique anyway; with the cache off nothing but the data path is measured.
        config["Proxy:Cache:Enabled"] = "false";
        // The harness measures the proxy, not its per-key limits: thousands of requests a minute from one key.
        config["Proxy:RateLimit:RequestsPerMinute"] = "0";
        config["Proxy:RateLimit:ConcurrentRequests"] = "0";
        return config;
    }

    /// <summary>
    /// How Portkey's gateway is told to route to this stand-in: its own provider for each kind (<c>ollama</c> with the
    /// server's root, <c>openai</c> with the API base), as a Portkey user would configure it.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> PortkeyHeaders() => Provider == UpstreamProvider.Ollama
        ?
        [
            new("x-portkey-provider", "ollama"),
            new("x-portkey-custom-host", _server.BaseUri.ToString().TrimEnd('/')),
        ]
        :
        [
            new("x-portkey-provider", "openai"),
            new("x-portkey-custom-host", ((OpenAIStandIn)_server).ApiBaseUri.ToString().TrimEnd('/')),
            new("Authorization", "Bearer " + UpstreamApiKey),
        ];

    public static async Task<UpstreamStandIn> StartAsync(UpstreamProvider provider, StandInReply reply, CancellationToken cancellationToken)
    {
        var current = new CurrentReply { Value = reply };
        StandInServer server = provider == UpstreamProvider.Ollama
            ? await OllamaStandIn.StartAsync(new OllamaStandInOptions { Models = [OllamaModel], DefaultReply = _ => current.Value }, cancellationToken).ConfigureAwait(false)
            // The proxy sends prompt_cache_key and the direct path does not: the stand-in's cache simulation (it builds and
            // keeps each keyed prompt's text) would land in "proxy − direct" although a real upstream does that work.
            : await OpenAIStandIn.StartAsync(new OpenAIStandInOptions { DefaultReply = _ => current.Value, SimulatePromptCache = false }, cancellationToken).ConfigureAwait(false);
        return new UpstreamStandIn(provider, server, current);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>The reply the stand-in's default-reply callback reads, which the harness can switch while it runs.</summary>
    private sealed class CurrentReply
    {
        private volatile StandInReply? _value;

        public required StandInReply Value
        {
            get => _value!;
            set => _value = value;
        }
    }
}

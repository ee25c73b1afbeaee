using CursorAspire.Proxy;
using CursorAspire.TestUpstreams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CursorAspire.LoadHarness;

/// <summary>
/// An upstream stand-in answering every chat call with the same small streamed reply, and the real proxy (the
/// composition Program.cs runs) routing one alias to it, both on 127.0.0.1 with free ports.
/// </summary>
public sealed class LoopbackTopology : IAsyncDisposable
{
    public const string ProxyApiKey = "load-harness-key-9c2e41d7";

    private readonly StandInServer _standIn;
    private readonly WebApplication _proxy;

    private LoopbackTopology(StandInServer standIn, Uri directChatUri, WebApplication proxy, Uri proxyChatUri, string alias)
    {
        _standIn = standIn;
        _proxy = proxy;
        DirectChatUri = directChatUri;
        ProxyChatUri = proxyChatUri;
        Alias = alias;
    }

    /// <summary>The stand-in's OpenAI-compatible <c>chat/completions</c>: a Cursor body sent straight to the upstream.</summary>
    public Uri DirectChatUri { get; }

    /// <summary>The proxy's <c>/v1/chat/completions</c>.</summary>
    public Uri ProxyChatUri { get; }

    /// <summary>The model alias the proxy routes to the stand-in.</summary>
    public string Alias { get; }

    /// <summary>Chat calls the stand-in received (both paths).</summary>
    public int UpstreamCalls => _standIn.CallCount;

    public static async Task<LoopbackTopology> StartAsync(UpstreamProvider provider, StandInReply reply, CancellationToken cancellationToken)
    {
        StandInServer standIn;
        Uri direct;
        Dictionary<string, string?> config;
        string alias;
        if (provider == UpstreamProvider.Ollama)
        {
            var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { Models = ["qwen2.5-coder:7b"], DefaultReply = _ => reply }, cancellationToken).ConfigureAwait(false);
            standIn = ollama;
            // Ollama serves the OpenAI-compatible route too, so Cursor's body can go to it unchanged.
            direct = new Uri(ollama.BaseUri, "v1/chat/completions");
            alias = "local";
            config = new()
            {
                ["Proxy:Providers:ollama:Kind"] = "Ollama",
                ["Proxy:Providers:ollama:Endpoint"] = ollama.BaseUri.ToString(),
                ["Proxy:Models:local:Provider"] = "ollama",
                ["Proxy:Models:local:Model"] = "qwen2.5-coder:7b",
            };
        }
        else
        {
            // The proxy sends prompt_cache_key and the direct path does not: the stand-in's cache simulation (it builds and
            // keeps each keyed prompt's text) would land in "proxy − direct" although a real upstream does that work.
            var openai = await OpenAIStandIn.StartAsync(new OpenAIStandInOptions { DefaultReply = _ => reply, SimulatePromptCache = false }, cancellationToken).ConfigureAwait(false);
            standIn = openai;
            direct = new Uri(openai.ApiBaseUri, "chat/completions");
            alias = "remote";
            config = new()
            {
                ["Proxy:Providers:openai:Kind"] = "OpenAI",
                ["Proxy:Providers:openai:Endpoint"] = openai.ApiBaseUri.ToString(),
                ["Proxy:Providers:openai:ApiKey"] = "upstream-key-not-checked",
                ["Proxy:Models:remote:Provider"] = "openai",
                ["Proxy:Models:remote:Model"] = "gpt-4o-mini",
            };
        }
        config["Proxy:ApiKeys:0"] = ProxyApiKey;
        config["Proxy:DefaultModel"] = alias;
        // Every prompt is unique anyway; with the cache off nothing but the data path is measured.
        config["Proxy:Cache:Enabled"] = "false";
        // The harness measures the proxy, not its per-key limits: thousands of requests a minute from one key.
        config["Proxy:RateLimit:RequestsPerMinute"] = "0";
        config["Proxy:RateLimit:ConcurrentRequests"] = "0";

        WebApplication? proxy = null;
        try
        {
            proxy = ProxyApplication.Build([], builder =>
            {
                builder.Configuration.AddInMemoryCollection(config);
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                // Log sinks are deployment choices, not the proxy's cost: only warnings, to the console.
                builder.Logging.ClearProviders();
                builder.Logging.AddSimpleConsole();
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
            });
            await proxy.StartAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            var address = proxy.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var proxyChat = new Uri(new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal) + "/"), "v1/chat/completions");
            return new LoopbackTopology(standIn, direct, proxy, proxyChat, alias);
        }
        catch
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync().ConfigureAwait(false);
            }
            await standIn.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _proxy.StopAsync(stop.Token).ConfigureAwait(false);
        }
        await _proxy.DisposeAsync().ConfigureAwait(false);
        await _standIn.DisposeAsync().ConfigureAwait(false);
    }
}

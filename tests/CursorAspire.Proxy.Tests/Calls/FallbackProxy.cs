using System.Net.Sockets;

namespace CursorAspire.Proxy.Tests.Calls;

/// <summary>
/// The acceptance's fallback alias: <c>fb</c> on an Ollama provider (<c>qwen2.5-coder:7b</c>) with
/// <c>Fallbacks:0 = remote</c>, an OpenAI-compatible alias, each on its own stand-in.
/// </summary>
public sealed class FallbackProxy : TwoStandInProxy
{
    private FallbackProxy(OllamaStandIn ollama, OpenAIStandIn openai, ProxyHost proxy)
        : base(ollama, openai, proxy)
    {
    }

    /// <param name="settings">More configuration.</param>
    /// <param name="ollamaDown">Point the Ollama provider at a port nobody listens on.</param>
    /// <param name="configure">Changes to the builder (a fake clock).</param>
    public static Task<FallbackProxy> StartAsync(IDictionary<string, string?>? settings = null, bool ollamaDown = false, Action<WebApplicationBuilder>? configure = null) =>
        StartAsync((ollama, openai) =>
        {
            var config = ProxyHost.OpenAIConfig(openai.ApiBaseUri);
            config["Proxy:Providers:ollama:Kind"] = "Ollama";
            config["Proxy:Providers:ollama:Endpoint"] = ollamaDown ? $"http://127.0.0.1:{ClosedPort()}/" : ollama.BaseUri.ToString();
            config["Proxy:Models:fb:Provider"] = "ollama";
            config["Proxy:Models:fb:Model"] = "qwen2.5-coder:7b";
            config["Proxy:Models:fb:Fallbacks:0"] = "remote";
            config["Proxy:DefaultModel"] = "fb";
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                // A null value takes the setting out.
                if (value is null)
                {
                    config.Remove(key);
                }
                else
                {
                    config[key] = value;
                }
            }
            return config;
        }, (ollama, openai, proxy) => new FallbackProxy(ollama, openai, proxy), configure);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

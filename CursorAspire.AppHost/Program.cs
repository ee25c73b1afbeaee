using CursorAspire.AppHost.Cache;
using CursorAspire.AppHost.Cursor;
using CursorAspire.AppHost.Hosting;
using CursorAspire.AppHost.Ollama;
using CursorAspire.AppHost.Routes;
using CursorAspire.Tunnel;

var builder = DistributedApplication.CreateBuilder(args);
var settings = AppHostSettings.FromConfiguration(builder.Configuration);

// Containers if a runtime answers (or AppHost:ContainerRuntime says so), else local processes. Decided now:
// a container that cannot start would fail the whole AppHost.
var plan = HostingPlanner.Decide(builder.Configuration);
builder.ReportHostingPlan(plan);

// The key Cursor sends: secret, generated on first run and kept in the AppHost's user secrets.
var apiKey = builder.AddProxyApiKey();

// The proxy's IDistributedCache: Redis container (data volume) | redis-server | embedded Garnet.
var cache = builder.AddCache("cache", plan);

var proxy = builder.AddProject<Projects.CursorAspire_Proxy>("proxy")
    .WithReference(cache).WaitFor(cache)
    .WithProxyApiKey(apiKey)
    .WithHttpHealthCheck("/health");

// Local models: Ollama container (models volume) | `ollama serve` | left out with a warning.
// Each Ollama:Models entry is pulled once Ollama is healthy and served as local-<model>.
var ollama = builder.AddOllamaServer("ollama", plan, settings);
if (ollama is not null)
{
    proxy.WithOllamaProvider("ollama", ollama);
    foreach (var modelName in settings.OllamaModels)
    {
        proxy.WithOllamaModel("ollama", ollama.AddModel(modelName), settings.OllamaContextLength);
    }
}

// Remote models, only for providers the user gave a key: Parameters:openai-api-key + OpenAI:Models (+ OpenAI:Endpoint),
// Parameters:anthropic-api-key + Anthropic:Models. Served as openai-<model> and anthropic-<model>.
if (builder.AddOptionalSecretParameter("openai-api-key") is { } openAIKey)
{
    proxy.WithOpenAIProvider("openai", settings.OpenAIEndpoint, openAIKey).WithRemoteModels("openai", settings.OpenAIModels);
}
if (builder.AddOptionalSecretParameter("anthropic-api-key") is { } anthropicKey)
{
    proxy.WithAnthropicProvider("anthropic", settings.AnthropicEndpoint, anthropicKey).WithRemoteModels("anthropic", settings.AnthropicModels);
}

// Unknown model names (Cursor's Verify call) go to AppHost:DefaultModel, else the first model served.
var aliases = proxy.Resource.Annotations.OfType<ProxyModelAliasAnnotation>().Select(a => a.Alias).ToList();
if ((settings.DefaultModel ?? aliases.FirstOrDefault()) is { } defaultModel)
{
    proxy.WithDefaultModel(defaultModel);
}

// Public URL: Cursor's servers cannot reach localhost. A fixed one (AppHost:PublicBaseUrl), else a cloudflared
// tunnel: a quick tunnel (new *.trycloudflare.com URL each start), or a named one with a stable hostname.
if (settings.PublicBaseUrl is { } publicBaseUrl)
{
    proxy.WithPublicBaseUrl(publicBaseUrl);
}
else
{
    var tunnel = builder.AddCloudflareTunnel("tunnel", proxy.GetEndpoint("http"),
        options => options.ContainerRuntime = plan.Mode == HostingMode.Containers ? "docker" : "none");
    if (builder.Configuration["CloudflareTunnel:Hostname"] is { Length: > 0 } hostname)
    {
        tunnel.WithNamedTunnel(builder.AddParameter("cloudflare-tunnel-token", secret: true), hostname);
    }
    proxy.WithTunnelPublicUrl(tunnel).WithCursorPublicUrl(() => tunnel.Resource.Tunnel.PublicUrl?.ToString());
}

// What to paste into Cursor: a link on the proxy in the dashboard, and once in the console.
proxy.WithCursorSetupInstructions();

builder.Build().Run();

using CursorAspire.AppHost.Hosting;
using CursorAspire.AppHost.Publishing;

// The whole system: Cursor's servers → tunnel → proxy → cache and models. How each piece runs is its integration's
// business; this file says what runs and why.
var builder = DistributedApplication.CreateBuilder(args);
var settings = AppHostSettings.FromConfiguration(builder.Configuration);

// Running: containers if a runtime answers (or AppHost:ContainerRuntime says so), else local processes. Decided before any
// resource is added: a container that cannot start would fail the whole AppHost. Publishing (--publisher manifest): always
// the container model that azd and Kubernetes tools deploy, whatever this machine has (docs/deploy.md).
var plan = builder.ExecutionContext.IsPublishMode ? PublishingPlanner.Decide(settings) : HostingPlanner.Decide(settings);
builder.ReportHostingPlan(plan);

// The key Cursor sends: generated on first run and kept in user secrets, so the copy pasted into Cursor stays valid.
var apiKey = builder.AddProxyApiKey();

// The proxy's response cache: Redis container (data volume) | redis-server | embedded Garnet, so every machine has one.
// Each requires a password, generated once and kept in user secrets (Parameters:cache-password); the connection string carries it.
// Published: the Redis container, or your managed Redis (ConnectionStrings:cache). Cache:MaxMemory caps it.
var cache = builder.AddCache("cache", options =>
{
    plan.ConfigureCache(options);
    options.MaxMemory = settings.CacheMaxMemory;
});

// The OpenAI-compatible endpoint Cursor calls; it needs its cache before the first request. It sits on a public URL,
// so it runs as Production (no developer exception page), whatever the AppHost's own environment. AppHost:ProxyReplicas
// processes (1 here, 2 published) behind one endpoint share every limit, budget and conversation through the cache.
var proxy = builder.AddCursorProxy("proxy")
    .WithReplicas(plan.ProxyReplicas)
    .WithCache(cache)
    .WithProxyApiKey(apiKey);

// Local models: Ollama container (models volume) | `ollama serve` | left out with a warning, as remote models still work.
// Each Ollama:Models entry is pulled once Ollama is healthy and served as local-<model>; the proxy waits for the download.
// Ollama listens on its own port, so a dead Ollama refuses the proxy at once; one that exits by itself (a crash, an
// out-of-memory kill, a container stopped from outside) is started again with backoff, its downloaded models kept.
// Published: the container with a GPU, pulling its models as it starts, when Ollama:Models lists any; or your own Ollama
// (ConnectionStrings:ollama, Endpoint=https://…), which must have the models.
var ollama = plan.ExistingOllama ? null : builder.AddOllamaServer("ollama", options =>
{
    plan.ConfigureOllama(options);
    options.Gpu = settings.OllamaGpu;
    options.Args = settings.OllamaArgs;
    options.GpuProbes = settings.OllamaGpuProbes;
})?.WithRestartOnExit();
// Each model's window is Ollama:Models:<n>:ContextLength, else Ollama:ContextLength: tokens, or auto, the model-fit
// advisor's choice (the largest that fits the GPU, never less than Cursor's agent needs), shown on the model's row with
// whether it spills onto the CPU and, once loaded, what Ollama really did. A conversation over the window is compacted.
if (plan.ExistingOllama)
{
    proxy.WithOllamaProvider("ollama", builder.AddConnectionString("ollama"));
    foreach (var model in settings.OllamaModels)
    {
        proxy.WithLocalModel("ollama", model.Name, model.ContextLength ?? settings.OllamaContextLength);
    }
}
else if (ollama is not null)
{
    proxy.WithOllamaProvider("ollama", ollama);
    foreach (var model in settings.OllamaModels)
    {
        proxy.WithOllamaModel("ollama", ollama.AddModel(model.Name).WithContextWindow(model.ContextLength ?? settings.OllamaContextLength));
    }
}

// Remote models only for providers the user gave a key (an unused provider would leave the dashboard asking for one):
// Parameters:openai-api-key + OpenAI:Models, Parameters:anthropic-api-key + Anthropic:Models, served as <provider>-<model>.
if (builder.AddOptionalSecretParameter("openai-api-key") is { } openAIKey)
{
    proxy.WithOpenAIProvider("openai", settings.OpenAIEndpoint, openAIKey).WithRemoteModels("openai", settings.OpenAIModels);
}
if (builder.AddOptionalSecretParameter("anthropic-api-key") is { } anthropicKey)
{
    proxy.WithAnthropicProvider("anthropic", settings.AnthropicEndpoint, anthropicKey).WithRemoteModels("anthropic", settings.AnthropicModels);
}

// Cursor's Verify call sends a model name the proxy does not serve: AppHost:DefaultModel answers it, else the first model.
proxy.WithDefaultModel(settings.DefaultModel);

// Any other proxy setting (named keys, fallbacks, prices, limits) from the AppHost's own configuration: its user
// secrets keep upstream keys out of the repository. Added after the AppHost's own settings, which win.
proxy.WithProxySettingsFrom(builder.Configuration);

// Cursor's servers make the model calls and cannot reach localhost: a fixed public URL (AppHost:PublicBaseUrl), else a
// cloudflared tunnel, quick (new *.trycloudflare.com URL each start) or named (CloudflareTunnel:Hostname, stable). It runs
// as a container | cloudflared from PATH | on first run the official cloudflared release, downloaded and verified, so a
// machine with only the .NET SDK gets a public URL too. Explicit CloudflareTunnel:* settings win over the plan.
if (settings.PublicBaseUrl is { } publicBaseUrl)
{
    proxy.WithPublicBaseUrl(publicBaseUrl);
}
else
{
    var tunnel = settings.CloudflareTunnelHostname is { } hostname
        ? builder.AddCloudflareNamedTunnel("tunnel", proxy.GetEndpoint("http"), builder.AddParameter("cloudflare-tunnel-token", secret: true), hostname, plan.ConfigureTunnel)
        : builder.AddCloudflareTunnel("tunnel", proxy.GetEndpoint("http"), plan.ConfigureTunnel);
    proxy.WithPublicTunnel(tunnel);
}

// What to paste into Cursor: a link on the proxy in the dashboard, and once in the console.
proxy.WithCursorSetupInstructions();

// "Check as Cursor": by itself once the public URL is healthy, and on demand from the proxy's row in the dashboard.
proxy.WithCursorCheck();

builder.Build().Run();

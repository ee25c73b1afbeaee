using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace CursorAspire.AppHost.Hosting;

/// <summary>
/// The AppHost's own settings (appsettings.json, user secrets, environment, command line), read in one place so that
/// <c>Program.cs</c> and the integrations never read configuration keys themselves.
/// </summary>
/// <remarks>
/// Not here: secrets, which are Aspire parameters (<c>Parameters:proxy-api-key</c>, <c>Parameters:openai-api-key</c>,
/// <c>Parameters:anthropic-api-key</c>, <c>Parameters:cloudflare-tunnel-token</c>), and the tunnel integration's own
/// options, which it reads from the <c>CloudflareTunnel</c> section itself (<c>CloudflareTunnelOptions</c>).
/// </remarks>
public sealed partial record AppHostSettings
{
    /// <summary>The key that chooses containers or processes.</summary>
    public const string ContainerRuntimeKey = "AppHost:ContainerRuntime";

    /// <summary>OpenAI's public endpoint.</summary>
    public const string DefaultOpenAIEndpoint = "https://api.openai.com/v1";

    /// <summary>Anthropic's public endpoint.</summary>
    public const string DefaultAnthropicEndpoint = "https://api.anthropic.com";

    /// <summary>
    /// <c>AppHost:ContainerRuntime</c>: <c>auto</c> (default: probe <c>docker</c> / <c>podman</c>), <c>docker</c> or
    /// <c>podman</c> (containers on that runtime, no probe) or <c>none</c> (processes). Checked by <see cref="HostingPlanner"/>.
    /// </summary>
    public string ContainerRuntime { get; init; } = "auto";

    /// <summary><c>Redis:Command</c>: the <c>redis-server</c> used in process mode, a name on PATH or a path.</summary>
    public string RedisCommand { get; init; } = "redis-server";

    /// <summary><c>Ollama:Command</c>: the Ollama executable used in process mode, a name on PATH or a path.</summary>
    public string OllamaCommand { get; init; } = "ollama";

    /// <summary>
    /// <c>Ollama:Models</c>: the models to pull and serve, e.g. <c>["qwen2.5-coder:7b"]</c>, each a name or an object with
    /// its own window (<c>Ollama:Models:&lt;n&gt;:ContextLength</c>, see <see cref="OllamaModelSettings"/>).
    /// </summary>
    public IReadOnlyList<OllamaModelSettings> OllamaModels { get; init; } = [];

    /// <summary><c>Ollama:Args</c>: arguments for the Ollama command in process mode (default <c>serve</c>).</summary>
    public IReadOnlyList<string> OllamaArgs { get; init; } = [];

    /// <summary>
    /// <c>Ollama:Gpu</c>: <c>nvidia</c> or <c>amd</c> gives the Ollama container that vendor's GPUs; <c>false</c>
    /// (default) none. <c>true</c>, the older spelling, means <c>nvidia</c>. A local <c>ollama serve</c> finds GPUs itself.
    /// </summary>
    public OllamaGpuVendor? OllamaGpu { get; init; }

    /// <summary>
    /// <c>Ollama:ContextLength</c>: the context window of every local model without its own, the ceiling of the
    /// <c>num_ctx</c> the proxy asks Ollama for: tokens, or <c>auto</c> (the model-fit advisor's choice for this machine).
    /// Neither: the model's own context length.
    /// </summary>
    public OllamaContextWindow? OllamaContextLength { get; init; }

    /// <summary>
    /// <c>Ollama:GpuProbes:NvidiaSmi</c>, <c>:RocmSmi</c>, <c>:Sysctl</c>: the programs that tell the model-fit advisor the
    /// GPU's memory (names on PATH or paths; blank leaves one out).
    /// </summary>
    public GpuProbeCommands OllamaGpuProbes { get; init; } = new();

    /// <summary><c>OpenAI:Endpoint</c>: the OpenAI-compatible endpoint (default OpenAI's).</summary>
    public string OpenAIEndpoint { get; init; } = DefaultOpenAIEndpoint;

    /// <summary><c>OpenAI:Models</c>: remote models to offer when <c>Parameters:openai-api-key</c> is set.</summary>
    public IReadOnlyList<string> OpenAIModels { get; init; } = [];

    /// <summary><c>Anthropic:Endpoint</c>: the Messages API endpoint (default Anthropic's).</summary>
    public string AnthropicEndpoint { get; init; } = DefaultAnthropicEndpoint;

    /// <summary><c>Anthropic:Models</c>: remote models to offer when <c>Parameters:anthropic-api-key</c> is set.</summary>
    public IReadOnlyList<string> AnthropicModels { get; init; } = [];

    /// <summary><c>AppHost:DefaultModel</c>: the alias for unknown model names (default: the first alias).</summary>
    public string? DefaultModel { get; init; }

    /// <summary><c>AppHost:PublicBaseUrl</c>: a fixed public https URL in front of the proxy, when you run your own.</summary>
    public string? PublicBaseUrl { get; init; }

    /// <summary>
    /// <c>CloudflareTunnel:Hostname</c>: the public hostname of a named Cloudflare tunnel (its token in
    /// <c>Parameters:cloudflare-tunnel-token</c>); without it the tunnel is a quick tunnel.
    /// </summary>
    public string? CloudflareTunnelHostname { get; init; }

    /// <summary>
    /// <c>AppHost:ProxyReplicas</c>: how many proxy processes run behind the proxy's one endpoint (and the tunnel); they
    /// share every limit, budget and stored state through the cache. Unset: 1 when running, 2 when publishing.
    /// </summary>
    public int? ProxyReplicas { get; init; }

    /// <summary>
    /// <c>Cache:MaxMemory</c>: the cache's memory ceiling, in Redis's notation (<c>512mb</c>, <c>2gb</c>). At the ceiling
    /// only entries with a time to live are evicted (<c>volatile-lru</c>): cached answers, conversations, reasoning; never
    /// budgets, usage or counters.
    /// </summary>
    public string CacheMaxMemory { get; init; } = CacheOptions.DefaultMaxMemory;

    /// <summary>
    /// Whether <c>ConnectionStrings:cache</c> is given: published, the cache is that existing Redis (a managed one) instead
    /// of a container. The value itself is never read here: it is a secret parameter the deployment asks for.
    /// </summary>
    public bool HasCacheConnectionString { get; init; }

    /// <summary>
    /// Whether <c>ConnectionStrings:ollama</c> (<c>Endpoint=https://…</c>) is given: published, the proxy uses that Ollama
    /// instead of an Ollama container. The value is a parameter the deployment asks for.
    /// </summary>
    public bool HasOllamaConnectionString { get; init; }

    /// <summary>Reads the settings; a malformed number fails with a message naming the key.</summary>
    /// <param name="configuration">The AppHost's configuration.</param>
    /// <returns>The settings, with defaults for what is not configured.</returns>
    public static AppHostSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var defaults = new AppHostSettings();
        return new AppHostSettings
        {
            // Read as given: a blank command is "none configured here", which the locator reports as not found.
            ContainerRuntime = configuration[ContainerRuntimeKey] ?? defaults.ContainerRuntime,
            RedisCommand = configuration["Redis:Command"] ?? defaults.RedisCommand,
            OllamaCommand = configuration["Ollama:Command"] ?? defaults.OllamaCommand,
            OllamaModels = OllamaModelSettings.ListFrom(configuration, "Ollama:Models"),
            OllamaArgs = List(configuration, "Ollama:Args"),
            OllamaGpu = Gpu(configuration, "Ollama:Gpu"),
            OllamaContextLength = OllamaContextWindow.Parse(configuration["Ollama:ContextLength"], "Ollama:ContextLength"),
            OllamaGpuProbes = GpuProbeCommands.FromConfiguration(configuration.GetSection("Ollama:GpuProbes")),
            OpenAIEndpoint = NullIfBlank(configuration["OpenAI:Endpoint"]) ?? defaults.OpenAIEndpoint,
            OpenAIModels = List(configuration, "OpenAI:Models"),
            AnthropicEndpoint = NullIfBlank(configuration["Anthropic:Endpoint"]) ?? defaults.AnthropicEndpoint,
            AnthropicModels = List(configuration, "Anthropic:Models"),
            DefaultModel = NullIfBlank(configuration["AppHost:DefaultModel"]),
            PublicBaseUrl = NullIfBlank(configuration["AppHost:PublicBaseUrl"]),
            CloudflareTunnelHostname = NullIfBlank(configuration["CloudflareTunnel:Hostname"]),
            ProxyReplicas = Int(configuration, "AppHost:ProxyReplicas"),
            CacheMaxMemory = MaxMemory(configuration, "Cache:MaxMemory") ?? defaults.CacheMaxMemory,
            HasCacheConnectionString = NullIfBlank(configuration.GetConnectionString("cache")) is not null,
            HasOllamaConnectionString = NullIfBlank(configuration.GetConnectionString("ollama")) is not null,
        };
    }

    private static List<string> List(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);

        // Accept both a JSON array and a single comma-separated string (handy on the command line).
        var items = section.GetChildren().Select(c => c.Value).ToList();
        if (items.Count == 0 && section.Value is { } single)
        {
            items = [.. single.Split(',')];
        }

        return items.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i!.Trim()).Distinct().ToList();
    }

    private static OllamaGpuVendor? Gpu(IConfiguration configuration, string key) => configuration[key]?.Trim().ToLowerInvariant() switch
    {
        null or "" or "false" or "none" => null,
        "nvidia" or "true" => OllamaGpuVendor.Nvidia,
        "amd" => OllamaGpuVendor.Amd,
        _ => throw new InvalidOperationException($"Configuration '{key}' is '{configuration[key]}'; expected nvidia, amd or false."),
    };

    private static int? Int(IConfiguration configuration, string key) => configuration[key] switch
    {
        null or "" => null,
        var v when int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 => n,
        var v => throw new InvalidOperationException($"Configuration '{key}' is '{v}'; expected a positive whole number."),
    };

    /// <summary>A size as Redis's <c>maxmemory</c> takes it: a number of bytes, or with <c>k</c>, <c>kb</c>, <c>m</c>, <c>mb</c>, <c>g</c>, <c>gb</c>.</summary>
    private static string? MaxMemory(IConfiguration configuration, string key) => NullIfBlank(configuration[key]) switch
    {
        null => null,
        var v when MaxMemoryPattern().IsMatch(v) => v.ToLowerInvariant(),
        var v => throw new InvalidOperationException($"Configuration '{key}' is '{v}'; expected a size such as 512mb or 2gb."),
    };

    [GeneratedRegex("^[1-9][0-9]*(b|k|kb|m|mb|g|gb)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MaxMemoryPattern();

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

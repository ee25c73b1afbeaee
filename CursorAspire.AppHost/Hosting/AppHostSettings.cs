using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace CursorAspire.AppHost.Hosting;

/// <summary>The AppHost's own settings (appsettings.json, user secrets, environment, command line).</summary>
/// <param name="OllamaModels"><c>Ollama:Models</c>: the models to pull and serve, e.g. <c>["qwen2.5-coder:7b"]</c>.</param>
/// <param name="OllamaArgs"><c>Ollama:Args</c>: arguments for the Ollama command in process mode (default <c>serve</c>).</param>
/// <param name="OllamaGpu"><c>Ollama:Gpu</c>: give the Ollama container the GPUs (<c>--gpus all</c>).</param>
/// <param name="OllamaContextLength"><c>Ollama:ContextLength</c>: context window the proxy asks Ollama for, per local model.</param>
/// <param name="OpenAIEndpoint"><c>OpenAI:Endpoint</c>: the OpenAI-compatible endpoint (default OpenAI's).</param>
/// <param name="OpenAIModels"><c>OpenAI:Models</c>: remote models to offer when <c>Parameters:openai-api-key</c> is set.</param>
/// <param name="AnthropicEndpoint"><c>Anthropic:Endpoint</c>: the Messages API endpoint (default Anthropic's).</param>
/// <param name="AnthropicModels"><c>Anthropic:Models</c>: remote models to offer when <c>Parameters:anthropic-api-key</c> is set.</param>
/// <param name="DefaultModel"><c>AppHost:DefaultModel</c>: the alias for unknown model names (default: the first alias).</param>
/// <param name="PublicBaseUrl"><c>AppHost:PublicBaseUrl</c>: a fixed public https URL in front of the proxy, when you run your own.</param>
public sealed record AppHostSettings(
    IReadOnlyList<string> OllamaModels,
    IReadOnlyList<string> OllamaArgs,
    bool OllamaGpu,
    int? OllamaContextLength,
    string OpenAIEndpoint,
    IReadOnlyList<string> OpenAIModels,
    string AnthropicEndpoint,
    IReadOnlyList<string> AnthropicModels,
    string? DefaultModel,
    string? PublicBaseUrl)
{
    /// <summary>OpenAI's public endpoint.</summary>
    public const string DefaultOpenAIEndpoint = "https://api.openai.com/v1";

    /// <summary>Anthropic's public endpoint.</summary>
    public const string DefaultAnthropicEndpoint = "https://api.anthropic.com";

    /// <summary>Reads the settings; a malformed number fails with a message naming the key.</summary>
    public static AppHostSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new AppHostSettings(
            List(configuration, "Ollama:Models"),
            List(configuration, "Ollama:Args"),
            Bool(configuration, "Ollama:Gpu"),
            Int(configuration, "Ollama:ContextLength"),
            NullIfBlank(configuration["OpenAI:Endpoint"]) ?? DefaultOpenAIEndpoint,
            List(configuration, "OpenAI:Models"),
            NullIfBlank(configuration["Anthropic:Endpoint"]) ?? DefaultAnthropicEndpoint,
            List(configuration, "Anthropic:Models"),
            NullIfBlank(configuration["AppHost:DefaultModel"]),
            NullIfBlank(configuration["AppHost:PublicBaseUrl"]));
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

    private static bool Bool(IConfiguration configuration, string key) => configuration[key] switch
    {
        null or "" => false,
        var v when bool.TryParse(v, out var b) => b,
        var v => throw new InvalidOperationException($"Configuration '{key}' is '{v}'; expected true or false."),
    };

    private static int? Int(IConfiguration configuration, string key) => configuration[key] switch
    {
        null or "" => null,
        var v when int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 => n,
        var v => throw new InvalidOperationException($"Configuration '{key}' is '{v}'; expected a positive whole number."),
    };

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

using Microsoft.Extensions.Configuration;

namespace CursorAspire.AppHost.Hosting;

/// <summary>
/// One entry of <c>Ollama:Models</c>: a model to pull and serve, and its own context window. An entry is a name
/// (<c>"qwen2.5-coder:7b"</c>) or an object (<c>{ "Name": "qwen2.5-coder:14b", "ContextLength": 16384 }</c>, or
/// <c>"auto"</c>); the whole setting may also be one comma-separated string of names.
/// </summary>
/// <param name="Name">The model as Ollama names it.</param>
/// <param name="ContextLength"><c>Ollama:Models:&lt;n&gt;:ContextLength</c>, which wins over <c>Ollama:ContextLength</c>; null when not set.</param>
public sealed record OllamaModelSettings(string Name, OllamaContextWindow? ContextLength = null)
{
    /// <summary>Reads <paramref name="key"/>'s entries in order, each name once (the first entry wins); a malformed one fails naming its key.</summary>
    /// <param name="configuration">The AppHost's configuration.</param>
    /// <param name="key">The setting, <c>Ollama:Models</c>.</param>
    /// <returns>The models.</returns>
    public static IReadOnlyList<OllamaModelSettings> ListFrom(IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(key);
        var models = new List<OllamaModelSettings>();
        foreach (var entry in section.GetChildren())
        {
            if (!entry.GetChildren().Any())
            {
                models.Add(new(entry.Value ?? string.Empty));
                continue;
            }

            // An object; or a name (appsettings.json's) given a window by a later source (Ollama:Models:0:ContextLength in user secrets).
            var entryKey = $"{key}:{entry.Key}";
            models.Add(new(
                entry["Name"] ?? entry.Value ?? throw new InvalidOperationException($"Configuration '{entryKey}' has no Name: each model is a name, or an object with a Name (and a ContextLength)."),
                OllamaContextWindow.Parse(entry["ContextLength"], $"{entryKey}:ContextLength")));
        }

        // One comma-separated string is handy on the command line.
        if (models.Count == 0 && section.Value is { } list)
        {
            models.AddRange(list.Split(',').Select(name => new OllamaModelSettings(name)));
        }

        return models
            .Where(m => !string.IsNullOrWhiteSpace(m.Name))
            .Select(m => m with { Name = m.Name.Trim() })
            .DistinctBy(m => m.Name)
            .ToList();
    }
}

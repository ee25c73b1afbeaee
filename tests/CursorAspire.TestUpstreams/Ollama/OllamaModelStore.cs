using System.Collections.Concurrent;

namespace CursorAspire.TestUpstreams;

/// <summary>
/// Thread-safe set of models "on disk" in an Ollama stand-in. With a directory (what
/// <c>OLLAMA_MODELS</c> names for the real server) each model is also a manifest file there, in Ollama's layout
/// (<c>manifests/registry.ollama.ai/library/&lt;name&gt;/&lt;tag&gt;</c>), so a restarted stand-in still has what it pulled.
/// </summary>
internal sealed class OllamaModelStore
{
    private readonly ConcurrentDictionary<string, OllamaModel> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly int _defaultContextLength;
    private readonly OllamaModelInfo? _defaultInfo;
    private readonly string? _manifests;

    public OllamaModelStore(TimeProvider time, int defaultContextLength, string? directory = null, OllamaModelInfo? defaultInfo = null)
    {
        _time = time;
        _defaultContextLength = defaultContextLength;
        _defaultInfo = defaultInfo;
        _manifests = directory is null ? null : Path.Combine(directory, "manifests", "registry.ollama.ai");
        if (_manifests is not null && Directory.Exists(_manifests))
        {
            foreach (var file in Directory.EnumerateFiles(_manifests, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(_manifests, file).Replace(Path.DirectorySeparatorChar, '/');
                var name = relative.StartsWith("library/", StringComparison.Ordinal) ? relative["library/".Length..] : relative;
                var lastSlash = name.LastIndexOf('/');
                var model = new OllamaModel(
                    name[..lastSlash] + ":" + name[(lastSlash + 1)..],
                    int.TryParse(File.ReadAllText(file), NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : defaultContextLength,
                    File.GetLastWriteTimeUtc(file),
                    defaultInfo);
                _models[model.Name] = model;
            }
        }
    }

    public OllamaModel Add(string name, int? contextLength = null, OllamaModelInfo? info = null)
    {
        var model = new OllamaModel(OllamaModel.Normalize(name), contextLength ?? _defaultContextLength, _time.GetUtcNow(), info ?? _defaultInfo);
        _models[model.Name] = model;
        if (ManifestPath(model.Name) is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, model.ContextLength.ToString(CultureInfo.InvariantCulture));
        }

        return model;
    }

    public OllamaModel? Find(string name) => _models.GetValueOrDefault(OllamaModel.Normalize(name));

    public bool Remove(string name)
    {
        var normalized = OllamaModel.Normalize(name);
        if (ManifestPath(normalized) is { } path)
        {
            File.Delete(path);
        }

        return _models.TryRemove(normalized, out _);
    }

    public IReadOnlyList<OllamaModel> List() => [.. _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal)];

    /// <summary>Where Ollama keeps a model's manifest: <c>library/</c> for names without a namespace, then the name, then the tag.</summary>
    private string? ManifestPath(string normalizedName)
    {
        if (_manifests is null)
        {
            return null;
        }

        var colon = normalizedName.LastIndexOf(':');
        var (name, tag) = (normalizedName[..colon], normalizedName[(colon + 1)..]);
        var path = (name.Contains('/') ? name : "library/" + name) + "/" + tag;
        return Path.Combine(_manifests, Path.Combine(path.Split('/')));
    }
}

using System.Collections.Concurrent;

namespace CursorAspire.TestUpstreams;

/// <summary>Thread-safe set of models "on disk" in an Ollama stand-in.</summary>
internal sealed class OllamaModelStore(TimeProvider time, int defaultContextLength)
{
    private readonly ConcurrentDictionary<string, OllamaModel> _models = new(StringComparer.OrdinalIgnoreCase);

    public OllamaModel Add(string name, int? contextLength = null)
    {
        var model = new OllamaModel(OllamaModel.Normalize(name), contextLength ?? defaultContextLength, time.GetUtcNow());
        _models[model.Name] = model;
        return model;
    }

    public OllamaModel? Find(string name) => _models.GetValueOrDefault(OllamaModel.Normalize(name));

    public bool Remove(string name) => _models.TryRemove(OllamaModel.Normalize(name), out _);

    public IReadOnlyList<OllamaModel> List() => [.. _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal)];
}

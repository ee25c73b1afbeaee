using System.Collections.Concurrent;

namespace CursorAspire.TestUpstreams;

/// <summary>
/// The models an <see cref="OllamaStandIn"/> has "loaded", as <c>/api/ps</c> lists them: a chat loads its model with the
/// request's <c>num_ctx</c> (Ollama reloads a model whose window changes), and what does not fit the stand-in's GPU
/// memory (<see cref="OllamaStandInOptions.GpuMemoryBytes"/>) runs on the CPU: <c>size_vram</c> below <c>size</c>, or 0
/// without a GPU.
/// </summary>
internal sealed class OllamaLoadedModels(long? gpuMemoryBytes, TimeProvider time)
{
    /// <summary>Ollama's window when a request sets no <c>num_ctx</c> (on a GPU under 24 GiB, and on a CPU).</summary>
    public const int DefaultNumCtx = 4096;

    /// <summary>How long Ollama keeps an idle model loaded by default.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, LoadedModel> _loaded = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Loads (or reloads) <paramref name="model"/> for a chat with <paramref name="numCtx"/>.</summary>
    public void Load(OllamaModel model, int? numCtx)
    {
        var window = Math.Min(numCtx is > 0 ? numCtx.Value : DefaultNumCtx, model.ContextLength);
        var size = model.Details.LoadedSize(model.Size, window);
        var onGpu = gpuMemoryBytes is { } gpu ? Math.Min(size, gpu) : 0;
        _loaded[model.Name] = new LoadedModel(model, window, size, onGpu, time.GetUtcNow() + KeepAlive);
    }

    /// <summary>The models loaded now, by name.</summary>
    public IReadOnlyList<LoadedModel> List() => [.. _loaded.Values.OrderBy(m => m.Model.Name, StringComparer.Ordinal)];

    /// <summary>A model as <c>/api/ps</c> reports it.</summary>
    /// <param name="Model">The model.</param>
    /// <param name="ContextLength">The window it was loaded with.</param>
    /// <param name="Size">The bytes it takes.</param>
    /// <param name="SizeVram">The bytes of it on the GPU.</param>
    /// <param name="ExpiresAt">When it unloads if unused.</param>
    public sealed record LoadedModel(OllamaModel Model, int ContextLength, long Size, long SizeVram, DateTimeOffset ExpiresAt);
}

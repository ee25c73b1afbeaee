using System.Text.Json;
using OllamaSharp.Models;

namespace CursorAspire.AppHost.Ollama.Fit;

/// <summary>
/// What a model needs in memory for a given context window, from what Ollama says about it (<c>/api/show</c>'s
/// <c>model_info</c>, and its file size from <c>/api/tags</c>): the weights, the KV cache of every layer, and the compute
/// graph, estimated the way Ollama estimates them before it loads a model.
/// </summary>
/// <param name="Architecture"><c>general.architecture</c>, e.g. <c>qwen2</c>: the prefix of the other keys.</param>
/// <param name="ParameterSize">E.g. <c>7.6B</c>.</param>
/// <param name="Quantization">E.g. <c>Q4_K_M</c>.</param>
/// <param name="FileBytes">The weights: the model file's size.</param>
/// <param name="Layers"><c>&lt;arch&gt;.block_count</c>.</param>
/// <param name="Heads"><c>&lt;arch&gt;.attention.head_count</c> (the largest, when it is given per layer).</param>
/// <param name="KvHeadsOverLayers"><c>&lt;arch&gt;.attention.head_count_kv</c> summed over the layers (it may differ per layer).</param>
/// <param name="KeyLength"><c>&lt;arch&gt;.attention.key_length</c>, else embedding length ÷ heads.</param>
/// <param name="ValueLength"><c>&lt;arch&gt;.attention.value_length</c>, else embedding length ÷ heads.</param>
/// <param name="ContextLength"><c>&lt;arch&gt;.context_length</c>: the most the model was trained for.</param>
public sealed record OllamaModelProfile(
    string Architecture, string? ParameterSize, string? Quantization, long FileBytes,
    int Layers, int Heads, long KvHeadsOverLayers, int KeyLength, int ValueLength, int ContextLength)
{
    /// <summary>Bytes of one cached key or value element: f16, Ollama's default KV cache type (<c>OLLAMA_KV_CACHE_TYPE</c>).</summary>
    public const int KvBytesPerElement = 2;

    /// <summary>Ollama's default batch (<c>num_batch</c>): the prompt is processed this many tokens at a time.</summary>
    public const int BatchSize = 512;

    /// <summary>What a loaded model takes besides weights, KV cache and graph: the runtime and the GPU driver's context.</summary>
    public const long RuntimeBytes = 512L * 1024 * 1024;

    /// <summary>The KV cache one token of context takes: every layer's KV heads × (key + value length) × 2 bytes.</summary>
    public long KvBytesPerToken => KvHeadsOverLayers * (KeyLength + ValueLength) * KvBytesPerElement;

    /// <summary>
    /// The compute graph one token of context takes: a batch's attention scores over the whole window, 4 bytes each per
    /// head (<c>4 × batch × (1 + heads)</c>, the term of Ollama's graph estimate that grows with the window; less with
    /// flash attention, which the estimate does not assume).
    /// </summary>
    public long GraphBytesPerToken => 4L * BatchSize * (1 + Heads);

    /// <summary>What one more token of window costs in memory.</summary>
    public long BytesPerToken => KvBytesPerToken + GraphBytesPerToken;

    /// <summary>The memory the model needs loaded with a <paramref name="window"/>-token context.</summary>
    public long BytesAt(int window) => FileBytes + RuntimeBytes + window * BytesPerToken;

    /// <summary>The largest window whose model fits in <paramref name="bytes"/>, in whole thousands (1,024) of tokens, at most the model's own; 0 when its weights alone do not.</summary>
    public int LargestWindowIn(long bytes)
    {
        var tokens = (bytes - FileBytes - RuntimeBytes) / BytesPerToken;
        return tokens < 1024 ? 0 : (int)Math.Min(tokens / 1024 * 1024, ContextLength);
    }

    /// <summary>The profile of a model from Ollama's <c>/api/show</c> answer and its file size; fails when the answer lacks the numbers.</summary>
    /// <param name="show">What <c>/api/show</c> said.</param>
    /// <param name="fileBytes">The model's size from <c>/api/tags</c>.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="InvalidOperationException">A number the estimate needs is missing; the message names its key.</exception>
    public static OllamaModelProfile From(ShowModelResponse show, long fileBytes)
    {
        ArgumentNullException.ThrowIfNull(show);
        var info = show.Info?.ExtraInfo ?? throw new InvalidOperationException("Ollama's /api/show has no model_info.");
        var architecture = show.Info.Architecture ?? Text(info, "general.architecture") ?? throw new InvalidOperationException("Ollama's /api/show has no general.architecture.");
        int Required(string key) => (int)(Numbers(info, $"{architecture}.{key}") is { Count: > 0 } values
            ? values.Max()
            : throw new InvalidOperationException($"Ollama's /api/show has no {architecture}.{key}."));

        var layers = Required("block_count");
        var heads = Required("attention.head_count");
        var kvHeads = Numbers(info, $"{architecture}.attention.head_count_kv") is { Count: > 0 } kv
            ? kv.Count == 1 ? kv[0] * layers : kv.Sum()
            : heads * layers; // no grouped-query attention: as many KV heads as heads
        var headLength = Required("embedding_length") / Math.Max(1, heads);
        var keyLength = Numbers(info, $"{architecture}.attention.key_length") is [var k] ? (int)k : headLength;
        var valueLength = Numbers(info, $"{architecture}.attention.value_length") is [var v] ? (int)v : headLength;
        return new OllamaModelProfile(architecture, show.Details?.ParameterSize, show.Details?.QuantizationLevel, fileBytes,
            layers, heads, kvHeads, keyLength, valueLength, Required("context_length"));
    }

    private static string? Text(IDictionary<string, object> info, string key) =>
        info.TryGetValue(key, out var value) && value is JsonElement { ValueKind: JsonValueKind.String } text ? text.GetString() : null;

    /// <summary>A number, or an array of them (per layer), as Ollama reports a key; empty when absent.</summary>
    private static List<long> Numbers(IDictionary<string, object> info, string key) => info.TryGetValue(key, out var value) ? value switch
    {
        JsonElement { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out var n) => [n],
        JsonElement { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number).Select(e => e.GetInt64())],
        long n => [n],
        int n => [n],
        _ => [],
    } : [];
}

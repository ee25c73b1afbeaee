namespace CursorAspire.TestUpstreams;

/// <summary>
/// What an <see cref="OllamaStandIn"/> says about a model's make-up: <c>/api/show</c>'s <c>details</c> and
/// <c>model_info</c> (keys prefixed with the architecture, as Ollama's GGUF metadata is), and the memory a loaded model
/// takes in <c>/api/ps</c>. The default is an 8B Llama at Q4_K_M.
/// </summary>
public sealed record OllamaModelInfo
{
    /// <summary>Bytes of one cached key or value element at Ollama's default KV cache type (f16).</summary>
    public const int KvBytesPerElement = 2;

    /// <summary>Ollama's default batch size (<c>num_batch</c>), which sizes the compute graph.</summary>
    public const int BatchSize = 512;

    /// <summary>What a loaded model takes besides its weights, KV cache and graph (the runtime, CUDA's context).</summary>
    public const long RuntimeOverheadBytes = 512L * 1024 * 1024;

    /// <summary>Qwen2.5-Coder 7B at Q4_K_M, with the numbers <c>ollama show qwen2.5-coder:7b</c> gives.</summary>
    public static OllamaModelInfo Qwen25Coder7B { get; } = new()
    {
        Architecture = "qwen2",
        Family = "qwen2",
        ParameterCount = 7_615_616_512,
        ParameterSize = "7.6B",
        BlockCount = 28,
        HeadCount = 28,
        HeadCountKv = 4,
        EmbeddingLength = 3584,
        FileSize = 4_683_087_332,
    };

    /// <summary><c>general.architecture</c>, the prefix of the other keys.</summary>
    public string Architecture { get; init; } = "llama";

    /// <summary><c>details.family</c>.</summary>
    public string Family { get; init; } = "llama";

    /// <summary><c>general.parameter_count</c>.</summary>
    public long ParameterCount { get; init; } = 8_030_261_248L;

    /// <summary><c>details.parameter_size</c>.</summary>
    public string ParameterSize { get; init; } = "8.0B";

    /// <summary><c>details.quantization_level</c>.</summary>
    public string QuantizationLevel { get; init; } = "Q4_K_M";

    /// <summary><c>&lt;arch&gt;.block_count</c>: the layers.</summary>
    public int BlockCount { get; init; } = 32;

    /// <summary><c>&lt;arch&gt;.attention.head_count</c>.</summary>
    public int HeadCount { get; init; } = 32;

    /// <summary><c>&lt;arch&gt;.attention.head_count_kv</c>.</summary>
    public int HeadCountKv { get; init; } = 8;

    /// <summary><c>&lt;arch&gt;.embedding_length</c>.</summary>
    public int EmbeddingLength { get; init; } = 4096;

    /// <summary><c>&lt;arch&gt;.attention.key_length</c>; absent (embedding length ÷ heads) when null.</summary>
    public int? KeyLength { get; init; }

    /// <summary><c>&lt;arch&gt;.attention.value_length</c>; absent (embedding length ÷ heads) when null.</summary>
    public int? ValueLength { get; init; }

    /// <summary>The model file's size (<c>/api/tags</c>' <c>size</c>); null derives one from the name.</summary>
    public long? FileSize { get; init; }

    /// <summary>
    /// The memory a model loaded with a <paramref name="numCtx"/> window takes, the way Ollama estimates it: weights, the
    /// f16 KV cache of every layer, and the compute graph of one batch over the window (<c>4 × batch × (1 + heads)</c>
    /// bytes a token, the term that dominates Ollama's own graph estimate without flash attention), plus the runtime.
    /// </summary>
    public long LoadedSize(long fileSize, int numCtx)
    {
        var headLength = EmbeddingLength / HeadCount;
        long kvPerToken = (long)BlockCount * HeadCountKv * ((KeyLength ?? headLength) + (ValueLength ?? headLength)) * KvBytesPerElement;
        long graphPerToken = 4L * BatchSize * (1 + HeadCount);
        return fileSize + RuntimeOverheadBytes + numCtx * (kvPerToken + graphPerToken);
    }
}

namespace CursorAspire.AppHost.Ollama.Fit;

/// <summary>The model-fit advisor's verdict on one local model: the window it is served with and whether that fits the GPU.</summary>
/// <param name="Model">The model's make-up.</param>
/// <param name="Gpu">The GPU memory found, or null.</param>
/// <param name="NoGpuReason">Why the model cannot use the GPU found (an Ollama container given none), or null.</param>
/// <param name="GpuBytes">The GPU memory the model may take: free, plus what Ollama's loaded models hold (it unloads them for another).</param>
/// <param name="LargestGpuWindow">The largest window with which the model fits the GPU; 0 when its weights alone do not; null without a GPU.</param>
/// <param name="Window">The window the model is served with (the ceiling of the proxy's <c>num_ctx</c>).</param>
/// <param name="WindowChoice">Where the window comes from: the configuration key, or the advisor's reason.</param>
/// <param name="BytesNeeded">The memory the model needs loaded with that window.</param>
/// <param name="CpuShare">The part of it that does not fit the GPU and runs on the CPU, 0 to 1.</param>
/// <param name="Verdict">The verdict in words, with what to do about a spill.</param>
/// <param name="Warning">What the window means for Cursor when it is less than Cursor needs, or null.</param>
public sealed record OllamaModelFit(
    OllamaModelProfile Model,
    GpuMemory? Gpu,
    string? NoGpuReason,
    long GpuBytes,
    int? LargestGpuWindow,
    int Window,
    string WindowChoice,
    long BytesNeeded,
    double CpuShare,
    string Verdict,
    string? Warning)
{
    /// <summary>Whether part of the model runs on the CPU.</summary>
    public bool Spills => CpuShare > 0;

    /// <summary>The GPU as the dashboard says it.</summary>
    public string GpuText => (Gpu, NoGpuReason) switch
    {
        (_, { } reason) => reason,
        (null, _) => "none found (nvidia-smi, rocm-smi, Apple unified memory): the CPU runs the models",
        ({ } gpu, _) => $"{gpu.Name}: {FitText.Bytes(gpu.TotalBytes)}, {FitText.Bytes(GpuBytes)} for the model ({gpu.Probe})",
    };

    /// <summary>The model as the dashboard says it.</summary>
    public string ModelText =>
        $"{Model.Architecture} {Model.ParameterSize} {Model.Quantization}: {FitText.Bytes(Model.FileBytes)} of weights, " +
        $"{Model.KvBytesPerToken / 1024:N0} KB of KV cache and {Model.GraphBytesPerToken / 1024:N0} KB of graph a token of window ({Model.Layers} layers); " +
        $"trained for {FitText.Window(Model.ContextLength)}";

    /// <summary>The largest window on the GPU as the dashboard says it.</summary>
    public string LargestGpuWindowText => LargestGpuWindow switch
    {
        null => "none: no GPU",
        0 => $"none: its weights alone ({FitText.Bytes(Model.FileBytes)}) do not fit",
        var tokens => $"{FitText.Window(tokens.Value)} tokens",
    };
}

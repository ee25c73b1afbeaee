namespace CursorAspire.AppHost.Ollama.Fit;

/// <summary>What Ollama did when it loaded a model (<c>/api/ps</c>): the window, the memory, and how much of it is on the GPU.</summary>
/// <param name="ContextLength">The window it was loaded with.</param>
/// <param name="Size">The memory it takes.</param>
/// <param name="SizeVram">The part of that on the GPU.</param>
public sealed record OllamaModelLoad(int ContextLength, long Size, long SizeVram)
{
    /// <summary>The part that runs on the CPU, 0 to 1.</summary>
    public double CpuShare => Size <= 0 ? 0 : Math.Clamp((Size - SizeVram) / (double)Size, 0, 1);

    /// <summary>
    /// The largest window that would have fit the GPU, from this load's own numbers: the window less what did not fit,
    /// at the model's cost per token; null without a profile.
    /// </summary>
    public int? LargestGpuWindow(OllamaModelProfile? model) => model is null
        ? null
        : (int)Math.Max(0, (ContextLength - (long)Math.Ceiling((Size - SizeVram) / (double)model.BytesPerToken)) / 1024 * 1024);

    /// <summary>The load as the dashboard says it, with what to do when it spilled.</summary>
    public string Describe(OllamaModelProfile? model) => (SizeVram, CpuShare) switch
    {
        (0, _) => $"With {FitText.AWindow(ContextLength)}: {FitText.Bytes(Size)}, all on the CPU; expect slow answers.",
        (_, 0) => $"With {FitText.AWindow(ContextLength)}: {FitText.Bytes(Size)}, all on the GPU.",
        _ => $"With {FitText.AWindow(ContextLength)}: {FitText.Bytes(Size)}, {FitText.Bytes(Size - SizeVram)} of it ({FitText.Percent(CpuShare)}) on the CPU: " +
            $"expect slow answers; {FitText.Remedy(LargestGpuWindow(model))}.",
    };
}

using System.Numerics;
using CursorAspire.Check;

namespace CursorAspire.AppHost.Ollama.Fit;

/// <summary>
/// Decides how a local model fits this machine: the largest context window with which it fits the GPU, the window it is
/// served with (configured, or chosen for <c>auto</c>), and whether that spills onto the CPU, where it answers many
/// times slower and looks hung to the user.
/// </summary>
public static class OllamaModelFitAdvisor
{
    /// <summary>
    /// The window Cursor's agent needs: its prompts run to about 25,000 tokens (system prompt, tool declarations, rules,
    /// open files), and with 4,096 for the answer the proxy asks Ollama for the next power of two, 32K.
    /// </summary>
    public static readonly int CursorWindow = (int)BitOperations.RoundUpToPowerOf2((uint)(CursorCheckOptions.CursorPromptTokens + 4_096));

    /// <summary>The smallest window worth suggesting (the proxy's smallest <c>num_ctx</c>).</summary>
    public const int SmallestUsefulWindow = 8_192;

    /// <summary>The verdict for <paramref name="model"/> on this machine.</summary>
    /// <param name="model">The model's make-up.</param>
    /// <param name="gpu">The GPU memory found, or null (no GPU).</param>
    /// <param name="noGpuReason">Why Ollama cannot use the GPU (a container given none), or null.</param>
    /// <param name="loadedGpuBytes">What Ollama's loaded models hold on the GPU now: Ollama unloads them for another.</param>
    /// <param name="configured">The window configured (a number, or <c>auto</c>); null serves the model's own context length.</param>
    /// <returns>The verdict.</returns>
    public static OllamaModelFit Advise(OllamaModelProfile model, GpuMemory? gpu, string? noGpuReason, long loadedGpuBytes, OllamaContextWindow? configured)
    {
        ArgumentNullException.ThrowIfNull(model);
        var usable = gpu is null || noGpuReason is not null;
        var gpuBytes = usable ? 0 : Math.Min(gpu!.TotalBytes, gpu.FreeBytes + loadedGpuBytes);
        int? largest = usable ? null : model.LargestWindowIn(gpuBytes);
        var (window, choice) = configured switch
        {
            { Tokens: { } tokens } fixedWindow => (tokens, fixedWindow.Source),
            { } auto => Auto(model, largest, auto.Source),
            null => (model.ContextLength, "the model's own context length (Ollama:ContextLength is not set)"),
        };

        // Ollama never loads a model with more than it was trained for.
        var needed = model.BytesAt(Math.Min(window, model.ContextLength));
        var cpuShare = largest is null ? 1.0 : Math.Clamp((needed - gpuBytes) / (double)needed, 0, 1);
        var verdict = (gpu, noGpuReason) switch
        {
            (_, { } reason) => $"{reason}: the CPU runs it (about {FitText.Bytes(needed)} with {FitText.AWindow(window)}); expect slow answers.",
            (null, _) => $"No GPU found: the CPU runs it (about {FitText.Bytes(needed)} with {FitText.AWindow(window)}); expect slow answers.",
            _ when cpuShare == 0 => $"Fits on the GPU: {FitText.AWindow(window)} needs about {FitText.Bytes(needed)} of the {FitText.Bytes(gpuBytes)} it has.",
            _ => $"Runs {FitText.Percent(cpuShare)} on the CPU with {FitText.AWindow(window)} (about {FitText.Bytes(needed)}, {FitText.Bytes(gpuBytes)} on the GPU): expect slow answers; {FitText.Remedy(largest)}.",
        };
        return new OllamaModelFit(model, gpu, noGpuReason, gpuBytes, largest, window, choice, needed, cpuShare, verdict, Warning(model, window));
    }

    /// <summary>
    /// <c>auto</c>: the largest window that fits the GPU, but never less than Cursor needs (a smaller one cannot even hold
    /// an agent's first turn, a slow answer can), and never more than the model was trained for.
    /// </summary>
    private static (int Window, string Choice) Auto(OllamaModelProfile model, int? largest, string source)
    {
        if (largest is { } fits && fits >= CursorWindow)
        {
            return (fits, fits == model.ContextLength
                ? $"{source}=auto: all the model was trained for, which fits the GPU"
                : $"{source}=auto: the largest that fits the GPU");
        }
        if (model.ContextLength <= CursorWindow)
        {
            return (model.ContextLength, $"{source}=auto: all the model was trained for");
        }
        return (CursorWindow, largest is { } gpuWindow
            ? $"{source}=auto: what Cursor's agent needs; only {FitText.Window(gpuWindow)} fits the GPU"
            : $"{source}=auto: what Cursor's agent needs");
    }

    private static string? Warning(OllamaModelProfile model, int window)
    {
        var served = Math.Min(window, model.ContextLength);
        if (served >= CursorWindow)
        {
            return null;
        }
        var phrase = FitText.AWindow(window);
        var why = window > model.ContextLength
            ? $"The model holds at most {FitText.Window(model.ContextLength)} tokens"
            : char.ToUpperInvariant(phrase[0]) + phrase[1..];
        return $"{why}, less than the {FitText.Window(CursorWindow)} Cursor's agent needs (prompts of about {CursorCheckOptions.CursorPromptTokens:N0} tokens, plus room for the answer): " +
            "long agent chats are compacted, and an agent's first turn may not fit. Use a larger window or a model trained for more.";
    }
}

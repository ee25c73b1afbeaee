namespace CursorAspire.AppHost.Ollama.Fit;

/// <summary>
/// On an Ollama server: how the model-fit advisor learns what GPU its models get. The programs that read the machine's
/// GPU memory, and why the server cannot use it when it cannot (a container given no GPU).
/// </summary>
/// <param name="Probes">The GPU probes.</param>
/// <param name="NoGpuReason">Why this server runs its models on the CPU whatever the machine has, or null.</param>
public sealed record OllamaGpuAccessAnnotation(GpuProbeCommands Probes, string? NoGpuReason) : IResourceAnnotation;

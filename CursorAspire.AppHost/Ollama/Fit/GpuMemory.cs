namespace CursorAspire.AppHost.Ollama.Fit;

/// <summary>The GPU memory of this machine, summed over its GPUs, as a probe read it.</summary>
/// <param name="Name">What it is, e.g. <c>NVIDIA GeForce RTX 4070</c> or <c>2 × AMD Radeon RX 7900 XTX</c>.</param>
/// <param name="TotalBytes">All of it.</param>
/// <param name="FreeBytes">What is free now (for Apple's unified memory: what Metal lets the GPU use).</param>
/// <param name="Probe">The program that told it.</param>
public sealed record GpuMemory(string Name, long TotalBytes, long FreeBytes, string Probe);

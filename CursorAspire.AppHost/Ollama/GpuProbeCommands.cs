using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// The programs that tell the model-fit advisor how much GPU memory this machine has, tried in this order; a blank one is
/// left out, and one that is missing or fails counts as no answer. None answering means the CPU runs the models.
/// </summary>
public sealed record GpuProbeCommands
{
    /// <summary>NVIDIA's <c>nvidia-smi</c> (<c>Ollama:GpuProbes:NvidiaSmi</c>).</summary>
    public string? NvidiaSmi { get; init; } = "nvidia-smi";

    /// <summary>AMD's <c>rocm-smi</c> (<c>Ollama:GpuProbes:RocmSmi</c>).</summary>
    public string? RocmSmi { get; init; } = "rocm-smi";

    /// <summary><c>sysctl</c>, for an Apple silicon Mac's unified memory (<c>Ollama:GpuProbes:Sysctl</c>); macOS only by default.</summary>
    public string? Sysctl { get; init; } = OperatingSystem.IsMacOS() ? "sysctl" : null;

    /// <summary>Reads the commands from <paramref name="section"/> (<c>Ollama:GpuProbes</c>); what it does not set keeps its default.</summary>
    /// <param name="section">The configuration section.</param>
    /// <returns>The commands.</returns>
    public static GpuProbeCommands FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var defaults = new GpuProbeCommands();
        return new GpuProbeCommands
        {
            NvidiaSmi = Read(section, nameof(NvidiaSmi), defaults.NvidiaSmi),
            RocmSmi = Read(section, nameof(RocmSmi), defaults.RocmSmi),
            Sysctl = Read(section, nameof(Sysctl), defaults.Sysctl),
        };
    }

    // Set but blank: left out on purpose.
    private static string? Read(IConfiguration section, string key, string? fallback) => section[key] switch
    {
        null => fallback,
        var value when string.IsNullOrWhiteSpace(value) => null,
        var value => value.Trim(),
    };
}

namespace Aspire.Hosting;

/// <summary>How <c>AddOllamaServer</c> runs Ollama: a container, the Ollama command as a process, or not at all.</summary>
public sealed class OllamaServerOptions
{
    /// <summary>Run the <c>ollama/ollama</c> container with a models volume; only when a container runtime can start it. Default false.</summary>
    public bool UseContainer { get; set; }

    /// <summary>The runtime the container runs on, <c>docker</c> (the default) or <c>podman</c>: they take GPUs differently.</summary>
    public string? ContainerRuntime { get; set; }

    /// <summary>The GPUs the container is given (<c>Ollama:Gpu</c>); none when null.</summary>
    public OllamaGpuVendor? Gpu { get; set; }

    /// <summary>Without a container: the Ollama executable, a name on PATH or a full path; null leaves Ollama out (shown as Unavailable).</summary>
    public string? Command { get; set; } = "ollama";

    /// <summary>The programs that tell the model-fit advisor the GPU's memory (<c>Ollama:GpuProbes</c>).</summary>
    public GpuProbeCommands GpuProbes { get; set; } = new();

    /// <summary>The executable's arguments; <c>serve</c> when empty.</summary>
    public IReadOnlyList<string> Args { get; set; } = [];

    /// <summary>
    /// Why Ollama is left out when neither a container nor a command runs it, shown in the dashboard and logged; by
    /// default that this machine has no way to run it.
    /// </summary>
    public string UnavailableReason { get; set; } = OllamaResourceBuilderExtensions.OllamaUnavailableReason;
}

namespace Aspire.Hosting.ApplicationModel;

/// <summary>Whose GPUs the Ollama container is given (<c>Ollama:Gpu</c>); each needs its own image and runtime options.</summary>
public enum OllamaGpuVendor
{
    /// <summary>NVIDIA (CUDA): the standard image, with <c>--gpus all</c> on Docker or <c>--device nvidia.com/gpu=all</c> (CDI) on Podman.</summary>
    Nvidia,

    /// <summary>AMD (ROCm): the <c>-rocm</c> image, with the devices <c>/dev/kfd</c> and <c>/dev/dri</c>.</summary>
    Amd,
}

using CursorAspire.Tunnel;

namespace CursorAspire.AppHost.Ollama;

/// <summary>The pinned Ollama container image.</summary>
public static class OllamaContainerImageTags
{
    /// <summary>docker.io</summary>
    public const string Registry = "docker.io";

    /// <summary>ollama/ollama</summary>
    public const string Image = "ollama/ollama";

    /// <summary>Pinned (<see cref="PinnedVersions.Ollama"/>) so a model that works today keeps working.</summary>
    public const string Tag = PinnedVersions.Ollama;

    /// <summary>The image built for AMD GPUs (ROCm), same release (<see cref="PinnedVersions.OllamaRocm"/>).</summary>
    public const string RocmTag = PinnedVersions.OllamaRocm;

    /// <summary>Where the image keeps downloaded models.</summary>
    public const string ModelsPath = "/root/.ollama";

    /// <summary>The port Ollama listens on inside the container.</summary>
    public const int Port = 11434;
}

namespace CursorAspire.AppHost.Ollama;

/// <summary>The dashboard states an <see cref="OllamaModelResource"/> goes through, in order.</summary>
public static class OllamaModelStates
{
    /// <summary>Waiting for the server to be healthy.</summary>
    public static readonly ResourceStateSnapshot Waiting = new(KnownResourceStates.Waiting, KnownResourceStateStyles.Info);

    /// <summary>Checking whether the server already has the model.</summary>
    public static readonly ResourceStateSnapshot Checking = new("Checking", KnownResourceStateStyles.Info);

    /// <summary>A pull step without byte counts (e.g. "pulling manifest").</summary>
    public static ResourceStateSnapshot Pulling(string status) => new($"Pulling: {status}", KnownResourceStateStyles.Info);

    /// <summary>Download progress, e.g. "Downloading 42%".</summary>
    public static ResourceStateSnapshot Downloading(int percent) => new($"Downloading {percent}%", KnownResourceStateStyles.Info);

    /// <summary>The prefix every download progress state starts with.</summary>
    public const string DownloadingPrefix = "Downloading ";

    /// <summary>The model is present; the health check now decides readiness.</summary>
    public static readonly ResourceStateSnapshot Running = new(KnownResourceStates.Running, KnownResourceStateStyles.Success);

    /// <summary>The pull failed; the log says why.</summary>
    public static readonly ResourceStateSnapshot Failed = new(KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error);
}

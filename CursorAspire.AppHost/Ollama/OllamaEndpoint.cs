namespace CursorAspire.AppHost.Ollama;

/// <summary>How Ollama's HTTP endpoint is exposed, container or process.</summary>
public static class OllamaEndpoint
{
    /// <summary>
    /// False: Ollama listens on its own port (the process binds it, or the container runtime publishes it), not behind
    /// a listener of the AppHost's orchestrator. A proxied endpoint keeps accepting connections after Ollama is gone and
    /// then holds them, so every request for a local model hung until its idle (2 min) or total deadline; without the
    /// proxy, a dead Ollama refuses the connection and the proxy answers at once that Ollama is not running.
    /// </summary>
    public const bool IsProxied = false;
}

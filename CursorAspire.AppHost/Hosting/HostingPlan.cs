namespace CursorAspire.AppHost.Hosting;

/// <summary>
/// The decision, taken once while the model is built, of how each backing service runs.
/// Aspire cannot start a container without a healthy runtime (and then fails the whole start after minutes),
/// so the decision has to be made before any container resource is added.
/// </summary>
/// <param name="Mode">Containers or processes.</param>
/// <param name="Reason">Why this mode was chosen, in words shown to the user.</param>
/// <param name="RedisServerPath">Full path of <c>redis-server</c> when found (process mode); null means the embedded Garnet server.</param>
/// <param name="OllamaCommand">Full path of the Ollama command when found (process mode); null means Ollama is left out.</param>
public sealed record HostingPlan(HostingMode Mode, string Reason, string? RedisServerPath, string? OllamaCommand)
{
    /// <summary>
    /// In container mode, the runtime the containers run on: <c>docker</c> or <c>podman</c> (they differ in how a
    /// container is given GPUs, and in whether a container reaches the host's loopback); null in process mode.
    /// </summary>
    public string? ContainerRuntime { get; init; }
}

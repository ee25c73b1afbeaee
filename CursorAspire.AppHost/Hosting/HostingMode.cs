namespace CursorAspire.AppHost.Hosting;

/// <summary>How the AppHost runs the backing services (Redis, Ollama).</summary>
public enum HostingMode
{
    /// <summary>As containers: a container runtime answered the probe, or <c>AppHost:ContainerRuntime</c> forced it.</summary>
    Containers,

    /// <summary>As local processes (or in-process servers): no container runtime is available or <c>AppHost:ContainerRuntime=none</c>.</summary>
    Processes,
}

namespace CursorAspire.Tunnel.Machine;

/// <summary>A command whose success within the timeout means a container runtime is healthy.</summary>
public sealed record ContainerRuntimeProbeCommand(string Command, IReadOnlyList<string> Arguments);

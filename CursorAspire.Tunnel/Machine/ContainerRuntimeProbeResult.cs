namespace CursorAspire.Tunnel.Machine;

/// <summary>What <see cref="ContainerRuntimeProbe"/> found: whether a runtime answered, which, and why not otherwise.</summary>
public sealed record ContainerRuntimeProbeResult(bool Available, string? Runtime, string Detail);

namespace CursorAspire.AppHost.Hosting;

/// <summary>What the container runtime probe found.</summary>
/// <param name="Available">Whether a runtime daemon answered.</param>
/// <param name="Runtime">The runtime that answered (<c>docker</c> or <c>podman</c>), or null.</param>
/// <param name="Detail">A short human-readable explanation.</param>
public sealed record ContainerRuntimeProbeResult(bool Available, string? Runtime, string Detail);

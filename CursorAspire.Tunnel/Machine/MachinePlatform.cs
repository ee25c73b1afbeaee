using System.Runtime.InteropServices;

namespace CursorAspire.Tunnel.Machine;

/// <summary>
/// The operating system and processor architecture the AppHost decides for: which cloudflared release asset runs here,
/// where the per-user cache is, and whether a container reaches the host's loopback. Replaceable so tests can cover
/// every platform on one machine.
/// </summary>
/// <param name="OperatingSystem">Linux, macOS (OSX), Windows, or another.</param>
/// <param name="Architecture">The operating system's architecture (an x64 process on an Arm Mac still gets the arm64 binary).</param>
public readonly record struct MachinePlatform(OSPlatform OperatingSystem, Architecture Architecture)
{
    /// <summary>The machine this process runs on.</summary>
    public static MachinePlatform Current { get; } = new(
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? OSPlatform.Windows
        : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? OSPlatform.OSX
        : RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? OSPlatform.Linux
        : OSPlatform.FreeBSD,
        RuntimeInformation.OSArchitecture);

    /// <summary>Whether this is Linux.</summary>
    public bool IsLinux => OperatingSystem == OSPlatform.Linux;

    /// <summary>Whether this is macOS.</summary>
    public bool IsMacOS => OperatingSystem == OSPlatform.OSX;

    /// <summary>Whether this is Windows.</summary>
    public bool IsWindows => OperatingSystem == OSPlatform.Windows;

    /// <inheritdoc />
    public override string ToString() => $"{(IsMacOS ? "macOS" : OperatingSystem.ToString().ToLowerInvariant())}/{Architecture.ToString().ToLowerInvariant()}";
}

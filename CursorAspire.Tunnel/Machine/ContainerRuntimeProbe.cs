using System.ComponentModel;
using System.Diagnostics;

namespace CursorAspire.Tunnel.Machine;

/// <summary>
/// Asks <c>docker info</c> / <c>podman info</c> whether a container runtime is healthy, with a short timeout,
/// while the model is built: a container resource that cannot start fails the whole AppHost after a minute or more.
/// A <c>docker</c> client whose daemon does not answer counts as no runtime.
/// </summary>
public static class ContainerRuntimeProbe
{
    /// <summary><c>docker info</c>, then <c>podman info</c>.</summary>
    public static IReadOnlyList<ContainerRuntimeProbeCommand> DefaultProbes { get; } =
    [
        new("docker", ["info", "--format", "{{.ServerVersion}}"]),
        new("podman", ["info", "--format", "{{.Version.Version}}"]),
    ];

    /// <summary>Tries each probe in turn; the first that exits 0 within <paramref name="timeout"/> wins.</summary>
    public static ContainerRuntimeProbeResult Probe(IEnumerable<ContainerRuntimeProbeCommand> probes, TimeSpan timeout)
    {
        var details = new List<string>();
        foreach (var probe in probes)
        {
            var (ok, detail) = Run(probe, timeout);
            if (ok)
            {
                return new ContainerRuntimeProbeResult(true, probe.Command, detail);
            }
            details.Add($"{probe.Command}: {detail}");
        }
        return new ContainerRuntimeProbeResult(false, null, details.Count == 0 ? "no probe configured" : string.Join("; ", details));
    }

    /// <summary>The first probe command that exits 0 within the timeout, or <see langword="null"/>.</summary>
    public static string? FindHealthyRuntime(IEnumerable<ContainerRuntimeProbeCommand> probes, TimeSpan timeout) =>
        Probe(probes, timeout).Runtime;

    private static (bool Ok, string Detail) Run(ContainerRuntimeProbeCommand probe, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo(probe.Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in probe.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(startInfo);
            if (process is null)
            {
                return (false, "could not start");
            }

            // Drain the pipes so a chatty CLI cannot block on a full buffer.
            var stdout = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                // A daemon that does not answer in time counts as not healthy (the CLI may hang on a dead socket).
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }
                return (false, $"no answer within {timeout.TotalSeconds:0.#} s");
            }

            return process.ExitCode == 0
                ? (true, $"server {stdout.Result.Trim()}")
                : (false, $"daemon not running (exit {process.ExitCode})");
        }
        catch (Win32Exception)
        {
            return (false, "not on PATH");
        }
    }
}

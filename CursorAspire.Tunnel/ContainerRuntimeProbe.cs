using System.ComponentModel;
using System.Diagnostics;

namespace CursorAspire.Tunnel;

/// <summary>
/// Asks <c>docker info</c> / <c>podman info</c> whether a container runtime is healthy, with a short timeout,
/// while the model is built: a container resource that cannot start fails the whole AppHost after a minute or more.
/// </summary>
internal static class ContainerRuntimeProbe
{
    /// <summary>The first probe command that exits 0 within the timeout, or <see langword="null"/>.</summary>
    public static string? FindHealthyRuntime(IEnumerable<ContainerRuntimeProbeCommand> probes, TimeSpan timeout)
    {
        foreach (var probe in probes)
        {
            if (Succeeds(probe, timeout))
            {
                return probe.Command;
            }
        }

        return null;
    }

    private static bool Succeeds(ContainerRuntimeProbeCommand probe, TimeSpan timeout)
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
                return false;
            }

            // Drain the pipes so a chatty CLI cannot block on a full buffer.
            _ = process.StandardOutput.ReadToEndAsync();
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

                return false;
            }

            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false; // not installed
        }
    }
}

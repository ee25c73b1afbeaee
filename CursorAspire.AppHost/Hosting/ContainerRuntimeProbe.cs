using System.Diagnostics;

namespace CursorAspire.AppHost.Hosting;

/// <summary>
/// Asks <c>docker info</c>, then <c>podman info</c>, whether a container daemon is running. A client binary without a
/// daemon is common (it is the case on our build machines), so finding the binary is not enough.
/// </summary>
public static class ContainerRuntimeProbe
{
    /// <summary>Probes the runtimes in order, each with <paramref name="timeout"/>.</summary>
    public static ContainerRuntimeProbeResult IsAvailable(TimeSpan timeout)
    {
        var details = new List<string>();
        foreach (var runtime in new[] { "docker", "podman" })
        {
            var path = ExecutableLocator.Find(runtime);
            if (path is null)
            {
                details.Add($"{runtime}: not on PATH");
                continue;
            }

            var (ok, detail) = Run(path, timeout);
            if (ok)
            {
                return new ContainerRuntimeProbeResult(true, runtime, detail);
            }

            details.Add($"{runtime}: {detail}");
        }

        return new ContainerRuntimeProbeResult(false, null, string.Join("; ", details));
    }

    private static (bool Ok, string Detail) Run(string path, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("info");
        start.ArgumentList.Add("--format");
        start.ArgumentList.Add("{{.ServerVersion}}");

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return (false, "could not start");
            }

            // Read asynchronously so a chatty client cannot block on a full pipe.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (false, $"no answer within {timeout.TotalSeconds:0.#} s");
            }

            return process.ExitCode == 0
                ? (true, $"server {stdout.Result.Trim()}")
                : (false, $"daemon not running (exit {process.ExitCode})");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (false, ex.Message);
        }
    }
}

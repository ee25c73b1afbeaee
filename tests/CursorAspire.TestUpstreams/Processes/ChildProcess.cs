using System.Diagnostics;

namespace CursorAspire.TestUpstreams;

/// <summary>
/// Runs a program to its end and keeps what it printed: the one process runner of the test projects (the AppHost tests'
/// <c>dotnet</c> commands, the check's installed tool), so each reads a whole output and kills a cancelled run's tree.
/// </summary>
public static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="args"/> in <paramref name="directory"/>, with the .NET CLI's
    /// telemetry and logo off and <paramref name="environment"/> added; the exit code and its standard output followed by
    /// its standard error.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string program, IEnumerable<string> args, string directory, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, new StringBuilder(await stdout).Append(await stderr).ToString());
    }
}

using System.Reflection;

namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>The repository these tests were built from, and the <c>dotnet</c> commands a user runs in it.</summary>
internal static class Repository
{
    /// <summary>The folder holding <c>CursorAspire.sln</c>, above the tests' output folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration these tests were built in (the AppHost was built in it too).</summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>Runs <c>dotnet</c> with <paramref name="args"/> in the repository; the exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> DotnetAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(StandIn.Dotnet)
        {
            WorkingDirectory = Root,
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
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
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

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CursorAspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CursorAspire.sln above {AppContext.BaseDirectory}: these tests run from the repository's build output.");
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace CursorAspire.Check.Tests.Infrastructure;

/// <summary>Runs a program (the .NET SDK's <c>dotnet</c>, or an installed tool) to its end and keeps what it printed.</summary>
internal static class DotnetCommand
{
    /// <summary>The .NET installation running these tests: the SDK's <c>dotnet</c> and the runtime a tool runs on.</summary>
    /// <remarks>The runtime lives in <c>{Root}/shared/Microsoft.NETCore.App/{version}</c>.</remarks>
    public static string Root { get; } =
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(RuntimeEnvironment.GetRuntimeDirectory())).Parent!.Parent!.Parent!.FullName;

    /// <summary>The <c>dotnet</c> executable of <see cref="Root"/>.</summary>
    public static string Dotnet => Path.Combine(Root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");

    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/> in <paramref name="directory"/>, with <paramref name="environment"/> added.</summary>
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

        // A tool's launcher finds its runtime through DOTNET_ROOT; the SDK and the tool run on the tests' own .NET.
        start.Environment["DOTNET_ROOT"] = Root;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = new StringBuilder();
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

        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }
}

using System.Runtime.InteropServices;
using CursorAspire.TestUpstreams;

namespace CursorAspire.Check.Tests.Infrastructure;

/// <summary>Runs a program (the .NET SDK's <c>dotnet</c>, or an installed tool) on the .NET installation running these tests.</summary>
internal static class DotnetCommand
{
    /// <summary>The .NET installation running these tests: the SDK's <c>dotnet</c> and the runtime a tool runs on.</summary>
    /// <remarks>The runtime lives in <c>{Root}/shared/Microsoft.NETCore.App/{version}</c>.</remarks>
    public static string Root { get; } =
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(RuntimeEnvironment.GetRuntimeDirectory())).Parent!.Parent!.Parent!.FullName;

    /// <summary>The <c>dotnet</c> executable of <see cref="Root"/>.</summary>
    public static string Dotnet => Path.Combine(Root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");

    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/> in <paramref name="directory"/>, with <paramref name="environment"/> added.</summary>
    /// <remarks>A tool's launcher finds its runtime through <c>DOTNET_ROOT</c>: the SDK and the tool run on the tests' own .NET.</remarks>
    public static Task<(int ExitCode, string Output)> RunAsync(
        string program, IEnumerable<string> args, string directory, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken) =>
        ChildProcess.RunAsync(program, args, directory, new Dictionary<string, string>(environment) { ["DOTNET_ROOT"] = Root }, cancellationToken);
}

using System.Reflection;
using CursorAspire.TestUpstreams;

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
    public static Task<(int ExitCode, string Output)> DotnetAsync(IEnumerable<string> args, CancellationToken cancellationToken) =>
        ChildProcess.RunAsync(StandIn.Dotnet, args, Root, new Dictionary<string, string>(), cancellationToken);

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

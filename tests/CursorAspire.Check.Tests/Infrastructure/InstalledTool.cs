using System.Reflection;

namespace CursorAspire.Check.Tests.Infrastructure;

/// <summary>
/// CursorAspire.Check as a user gets it: packed from this repository (<c>dotnet pack</c>) into a folder of its own, and
/// installed from that folder alone (<c>dotnet tool install --tool-path … --add-source …</c>, no other feed, an empty
/// package cache), so what runs is this build and nothing cached from an earlier one. Deleted afterwards.
/// </summary>
public sealed class InstalledTool : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"cursoraspire-check-tool-{Guid.NewGuid():N}");

    /// <summary>The installed command, <c>cursoraspire-check</c>.</summary>
    public string Command => Path.Combine(_directory, "tools", OperatingSystem.IsWindows() ? "cursoraspire-check.exe" : "cursoraspire-check");

    /// <summary>Where the tool is run from.</summary>
    public string Directory => _directory;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var packages = Path.Combine(_directory, "packages");
        System.IO.Directory.CreateDirectory(packages);
        var configuration = typeof(InstalledTool).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

        // The project is built already (this test project references it): pack what was built and tested.
        await RunAsync(DotnetCommand.Dotnet, ["pack", ProjectFile(), "--no-build", "--configuration", configuration, "--output", packages], timeout.Token);

        var nugetConfig = Path.Combine(_directory, "nuget.config");
        await File.WriteAllTextAsync(nugetConfig, "<configuration><packageSources><clear /></packageSources></configuration>", timeout.Token);
        await RunAsync(DotnetCommand.Dotnet,
            ["tool", "install", "CursorAspire.Check", "--version", "1.0.0", "--tool-path", Path.Combine(_directory, "tools"), "--add-source", packages, "--configfile", nugetConfig],
            timeout.Token);
        Assert.True(File.Exists(Command), $"dotnet tool install left no {Command}.");
    }

    /// <summary>Runs the installed tool with <paramref name="args"/>.</summary>
    public Task<(int ExitCode, string Output)> RunToolAsync(params string[] args) => RunToolAsync(new Dictionary<string, string>(), args);

    /// <summary>Runs the installed tool with <paramref name="environment"/> added to its environment.</summary>
    public async Task<(int ExitCode, string Output)> RunToolAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var variables = Environment();
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }
        return await DotnetCommand.RunAsync(Command, args, _directory, variables, timeout.Token);
    }

    public Task DisposeAsync()
    {
        if (System.IO.Directory.Exists(_directory))
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    private async Task RunAsync(string program, string[] args, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await DotnetCommand.RunAsync(program, args, _directory, Environment(), cancellationToken);
        Assert.True(exitCode == 0, $"{Path.GetFileName(program)} {string.Join(' ', args)} exited with {exitCode}:\n{output}");
    }

    /// <summary>A package cache of its own: an earlier 1.0.0 of the tool in the user's cache must not stand in for this build.</summary>
    private Dictionary<string, string> Environment() => new() { ["NUGET_PACKAGES"] = Path.Combine(_directory, "nuget-cache") };

    private static string ProjectFile()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var project = Path.Combine(directory.FullName, "CursorAspire.Check", "CursorAspire.Check.csproj");
            if (File.Exists(project))
            {
                return project;
            }
        }

        throw new InvalidOperationException($"No CursorAspire.Check/CursorAspire.Check.csproj above {AppContext.BaseDirectory}.");
    }
}

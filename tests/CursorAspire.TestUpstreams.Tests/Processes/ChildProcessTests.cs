namespace CursorAspire.TestUpstreams.Tests.Processes;

/// <summary>The test projects' process runner: a program's exit code and what it printed, standard output then error.</summary>
public sealed class ChildProcessTests
{
    private static string Dotnet =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    [Fact]
    public async Task AProgramsExitCodeAndWhatItPrintedOnEitherStreamComeBack()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var none = new Dictionary<string, string>();

        var (versionExit, version) = await ChildProcess.RunAsync(Dotnet, ["--version"], Path.GetTempPath(), none, deadline.Token);
        var (unknownExit, unknown) = await ChildProcess.RunAsync(Dotnet, ["no-such-command-0123"], Path.GetTempPath(), none, deadline.Token);

        Assert.Equal(0, versionExit);
        Assert.Matches(@"^\d+\.\d+\.\d+", version);
        Assert.NotEqual(0, unknownExit);
        Assert.Contains("no-such-command-0123", unknown, StringComparison.Ordinal); // said on standard error
    }
}

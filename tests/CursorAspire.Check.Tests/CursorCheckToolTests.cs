namespace CursorAspire.Check.Tests;

/// <summary>
/// The check as a .NET tool: packed, installed with <c>dotnet tool install</c> from the package alone, and run as a
/// user runs it, against a Cursor-facing server on loopback.
/// </summary>
public sealed class CursorCheckToolTests(InstalledTool tool) : IClassFixture<InstalledTool>
{
    [Fact]
    public async Task TheInstalledToolPrintsItsUsage()
    {
        var (exitCode, output) = await tool.RunToolAsync("--help");

        Assert.True(exitCode == 0, output);
        Assert.Contains("Usage: cursoraspire-check [check] --url <base URL>", output);
    }

    [Fact]
    public async Task TheInstalledToolChecksAServerAsCursorWould()
    {
        await using var server = await LoopbackCursorServer.StartAsync();

        // The key from the environment, as a user passes it (never on the command line).
        var (exitCode, output) = await tool.RunToolAsync(new Dictionary<string, string> { ["CURSORASPIRE_API_KEY"] = FakeCursorServer.Key }, "check", "--url", server.BaseUrl.ToString());

        Assert.True(exitCode == 0, output);
        Assert.Contains($"Checking {server.BaseUrl} as Cursor would…", output);
        Assert.Contains("[PASS] Verify (", output);
        Assert.Contains($"[PASS] Agent tools ({FakeCursorServer.Model}) (", output);
        Assert.Contains("[WARN] Public URL (", output); // loopback answers, but Cursor's servers cannot call it
        Assert.Contains("Cursor check: 8/9 passed, 1 warning", output);
        Assert.DoesNotContain(FakeCursorServer.Key, output);
        Assert.All(server.Fake.Requests, r => Assert.Equal(["1"], r.Headers.GetValues("x-cursoraspire-check")));
    }
}
